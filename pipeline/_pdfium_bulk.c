/* What PDFium says of every character of a text page, in one call from Python.
 *
 * Reading a page character by character through ctypes costs five foreign calls per character
 * (code, generated or printed, origin, loose box, text object), each converting its arguments:
 * most of a page's reading time. This module makes the same calls from C and gives back one row
 * per character; pdfium_reader.py turns the rows into characters, with or without this module
 * (it is optional: a machine without a C compiler installs and reads the same, more slowly).
 *
 * It does not link against PDFium: Python passes the addresses of the functions of the PDFium
 * library pypdfium2 has loaded, and the text page's handle.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    float left, top, right, bottom;
} RectF; /* FS_RECTF */

typedef int (*count_chars_fn)(void *);
typedef unsigned int (*unicode_fn)(void *, int);
typedef int (*generated_fn)(void *, int);
typedef int (*origin_fn)(void *, int, double *, double *);
typedef int (*loose_box_fn)(void *, int, RectF *);
typedef void *(*text_object_fn)(void *, int);

static int set_float(PyObject *row, Py_ssize_t index, double value) {
    PyObject *number = PyFloat_FromDouble(value);
    if (number == NULL)
        return -1;
    PyTuple_SET_ITEM(row, index, number);
    return 0;
}

/* rows(textpage, count_chars, unicode, generated, origin, loose_box, text_object) -> (rows, objects):
 * per character, the row (code, generated, x, y, left, right, top, bottom) and the address of its
 * text object. A call that fails leaves the values of the character before, as the same calls
 * made from Python do. */
static PyObject *rows(PyObject *self, PyObject *args) {
    unsigned long long page, f_count, f_unicode, f_generated, f_origin, f_box, f_object;
    if (!PyArg_ParseTuple(args, "KKKKKKK", &page, &f_count, &f_unicode, &f_generated, &f_origin, &f_box,
                          &f_object))
        return NULL;
    void *textpage = (void *)(uintptr_t)page;
    int count = ((count_chars_fn)(uintptr_t)f_count)(textpage);
    if (count < 0)
        count = 0;
    unicode_fn unicode = (unicode_fn)(uintptr_t)f_unicode;
    generated_fn generated = (generated_fn)(uintptr_t)f_generated;
    origin_fn origin = (origin_fn)(uintptr_t)f_origin;
    loose_box_fn loose_box = (loose_box_fn)(uintptr_t)f_box;
    text_object_fn text_object = (text_object_fn)(uintptr_t)f_object;

    PyObject *all = PyList_New(count), *objects = PyList_New(count);
    if (all == NULL || objects == NULL)
        goto failed;
    double x = 0.0, y = 0.0;
    RectF box = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k = 0; k < count; k++) {
        unsigned int code = unicode(textpage, k);
        int is_generated = generated(textpage, k);
        origin(textpage, k, &x, &y);
        loose_box(textpage, k, &box);
        PyObject *row = PyTuple_New(8);
        if (row == NULL)
            goto failed;
        PyList_SET_ITEM(all, k, row);
        PyObject *code_number = PyLong_FromUnsignedLong(code), *flag = PyLong_FromLong(is_generated);
        PyObject *object = PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)text_object(textpage, k));
        if (code_number == NULL || flag == NULL || object == NULL) {
            Py_XDECREF(code_number);
            Py_XDECREF(flag);
            Py_XDECREF(object);
            goto failed;
        }
        PyTuple_SET_ITEM(row, 0, code_number);
        PyTuple_SET_ITEM(row, 1, flag);
        PyList_SET_ITEM(objects, k, object);
        if (set_float(row, 2, x) || set_float(row, 3, y) || set_float(row, 4, box.left) ||
            set_float(row, 5, box.right) || set_float(row, 6, box.top) || set_float(row, 7, box.bottom))
            goto failed;
    }
    return Py_BuildValue("(NN)", all, objects);

failed:
    Py_XDECREF(all);
    Py_XDECREF(objects);
    return NULL;
}

static PyMethodDef methods[] = {
    {"rows", rows, METH_VARARGS, "Every character of a PDFium text page as a row of what PDFium says of it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_bulk", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_bulk(void) { return PyModule_Create(&module); }
