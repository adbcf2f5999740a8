/* Characters grouped into rows and words: the two loops of layout.group_lines that run for every
 * character of every page, in C. layout._rows_of and layout._words_of_row are the same loops in
 * Python (used where this optional module is not built, and by the tests that compare the two).
 *
 * A character is a layout.Char: a tuple (text, x0, x1, top, bottom, fontname, size). The words
 * hold the characters' own float objects, so either way gives the same values.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

enum { TEXT, X0, X1, TOP, BOTTOM, FONTNAME, SIZE, FIELDS };

static int read_float(PyObject *item, Py_ssize_t field, double *value) {
    *value = PyFloat_AsDouble(PyTuple_GET_ITEM(item, field));
    return (*value == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static int is_char(PyObject *item) {
    if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == FIELDS && PyUnicode_Check(PyTuple_GET_ITEM(item, TEXT)))
        return 1;
    PyErr_SetString(PyExc_TypeError, "a character must be a Char tuple of 7 fields");
    return 0;
}

/* rows_of(chars, epsilon) -> list of lists: chars (sorted by bottom) cut where a character's bottom
 * lies more than a quarter of its size (at least 1) from the bottom of the row's first character. */
static PyObject *rows_of(PyObject *self, PyObject *args) {
    PyObject *chars;
    double epsilon;
    if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &chars, &epsilon))
        return NULL;
    PyObject *rows = PyList_New(0);
    PyObject *row = NULL;
    if (rows == NULL)
        return NULL;
    double row_bottom = -1e9;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(chars); k++) {
        PyObject *item = PyList_GET_ITEM(chars, k);
        double bottom, size;
        if (!is_char(item) || read_float(item, BOTTOM, &bottom) || read_float(item, SIZE, &size))
            goto failed;
        if (row != NULL && fabs(bottom - row_bottom) <= (size > 1.0 ? size : 1.0) * 0.25 + epsilon) {
            if (PyList_Append(row, item))
                goto failed;
            continue;
        }
        row = PyList_New(1);
        if (row == NULL)
            goto failed;
        Py_INCREF(item);
        PyList_SET_ITEM(row, 0, item);
        int appended = PyList_Append(rows, row);
        Py_DECREF(row); /* the list of rows holds it */
        if (appended)
            goto failed;
        row_bottom = bottom;
    }
    return rows;
failed:
    Py_DECREF(rows);
    return NULL;
}

static int is_blank(PyObject *letters, PyObject *whitespace) {
    int member = PySet_Contains(whitespace, letters);
    if (member != 0)
        return member; /* 1, or -1 on error */
    Py_ssize_t length = PyUnicode_GET_LENGTH(letters);
    if (length == 0)
        return 0;
    int kind = PyUnicode_KIND(letters);
    const void *data = PyUnicode_DATA(letters);
    for (Py_ssize_t i = 0; i < length; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    return 1; /* str.isspace() */
}

typedef struct {
    PyObject *letters; /* a list of the word's texts so far, or NULL */
    PyObject *first;   /* its first character */
    PyObject *top, *bottom;
    double top_value, bottom_value;
} Pending;

/* Appends Word(text, first.x0, x1, top, bottom, first.fontname, first.size) and empties the word. */
static int flush(Pending *word, PyObject *x1, PyObject *word_type, PyObject *out) {
    static PyObject *empty = NULL;
    if (empty == NULL && (empty = PyUnicode_FromString("")) == NULL)
        return -1;
    PyObject *text = PyUnicode_Join(empty, word->letters);
    Py_CLEAR(word->letters);
    if (text == NULL)
        return -1;
    PyObject *fields[FIELDS] = {text, PyTuple_GET_ITEM(word->first, X0), x1, word->top, word->bottom,
                                PyTuple_GET_ITEM(word->first, FONTNAME), PyTuple_GET_ITEM(word->first, SIZE)};
    PyObject *made = PyObject_Vectorcall(word_type, fields, FIELDS, NULL);
    Py_DECREF(text);
    if (made == NULL)
        return -1;
    int failed = PyList_Append(out, made);
    Py_DECREF(made);
    return failed;
}

/* words_of_row(row, Word, whitespace, epsilon) -> list of Word: layout._words_of_row. */
static PyObject *words_of_row(PyObject *self, PyObject *args) {
    PyObject *row, *word_type, *whitespace;
    double epsilon;
    if (!PyArg_ParseTuple(args, "O!OO!d", &PyList_Type, &row, &word_type, &PyFrozenSet_Type, &whitespace, &epsilon))
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    if (PyList_GET_SIZE(row) == 0)
        return out;
    Pending word = {NULL, NULL, NULL, NULL, 0.0, 0.0};
    PyObject *previous = PyList_GET_ITEM(row, 0);
    double previous_x0, previous_x1, previous_top, previous_size;
    if (!is_char(previous) || read_float(previous, X0, &previous_x0) || read_float(previous, X1, &previous_x1) ||
        read_float(previous, TOP, &previous_top) || read_float(previous, SIZE, &previous_size))
        goto failed;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(row); k++) {
        PyObject *item = PyList_GET_ITEM(row, k);
        double x0, x1, top, bottom, size;
        if (!is_char(item) || read_float(item, X0, &x0) || read_float(item, X1, &x1) || read_float(item, TOP, &top) ||
            read_float(item, BOTTOM, &bottom) || read_float(item, SIZE, &size))
            goto failed;
        PyObject *letters = PyTuple_GET_ITEM(item, TEXT);
        if (item != previous && fabs(x0 - previous_x0) < 1.0 && fabs(top - previous_top) < 1.0) {
            int same = PyUnicode_Compare(letters, PyTuple_GET_ITEM(previous, TEXT));
            if (same == -1 && PyErr_Occurred())
                goto failed;
            if (same == 0)
                continue; /* printed twice at the same place (fake bold, overprinted layers) */
        }
        int blank = is_blank(letters, whitespace);
        if (blank < 0)
            goto failed;
        if (blank) {
            if (word.letters != NULL && flush(&word, PyTuple_GET_ITEM(previous, X1), word_type, out))
                goto failed;
            continue;
        }
        if (word.letters != NULL && x0 - previous_x1 > (size > previous_size ? size : previous_size) * 0.2 + epsilon &&
            flush(&word, PyTuple_GET_ITEM(previous, X1), word_type, out))
            goto failed;
        if (word.letters == NULL) {
            if ((word.letters = PyList_New(0)) == NULL)
                goto failed;
            word.first = item;
            word.top = PyTuple_GET_ITEM(item, TOP), word.top_value = top;
            word.bottom = PyTuple_GET_ITEM(item, BOTTOM), word.bottom_value = bottom;
        } else {
            if (top < word.top_value)
                word.top = PyTuple_GET_ITEM(item, TOP), word.top_value = top;
            if (bottom > word.bottom_value)
                word.bottom = PyTuple_GET_ITEM(item, BOTTOM), word.bottom_value = bottom;
        }
        if (PyList_Append(word.letters, letters))
            goto failed;
        previous = item, previous_x0 = x0, previous_x1 = x1, previous_top = top, previous_size = size;
    }
    if (word.letters != NULL && flush(&word, PyTuple_GET_ITEM(previous, X1), word_type, out))
        goto failed;
    return out;
failed:
    Py_XDECREF(word.letters);
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"rows_of", rows_of, METH_VARARGS, "Characters sorted by their bottom, cut into rows (layout._rows_of)."},
    {"words_of_row", words_of_row, METH_VARARGS, "The words of a row of characters (layout._words_of_row)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_words", NULL, -1, methods};

PyMODINIT_FUNC PyInit__words(void) { return PyModule_Create(&module); }
