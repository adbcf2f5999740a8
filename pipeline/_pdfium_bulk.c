/* What PDFium says of every character of a text page, in one call from Python.
 *
 * Reading a page character by character through ctypes costs five foreign calls per character
 * (code, generated or printed, origin, loose box, text object), each converting its arguments:
 * most of a page's reading time. This module makes the same calls from C. ``chars`` goes on to box
 * the characters as pdfium_reader._pdfium_chars does in Python (the loop run for every character);
 * ``rows`` gives what PDFium says of each, for that Python loop and the tests. The module is
 * optional: a machine without a C compiler installs and reads the same, more slowly.
 *
 * It does not link against PDFium: Python passes the addresses of the functions of the PDFium
 * library pypdfium2 has loaded, and the text page's handle.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

typedef struct {
    float left, top, right, bottom;
} RectF; /* FS_RECTF */

typedef int (*count_chars_fn)(void *);
typedef unsigned int (*unicode_fn)(void *, int);
typedef int (*generated_fn)(void *, int);
typedef int (*origin_fn)(void *, int, double *, double *);
typedef int (*loose_box_fn)(void *, int, RectF *);
typedef void *(*text_object_fn)(void *, int);
typedef unsigned long (*font_info_fn)(void *, int, void *, unsigned long, int *);
typedef int (*matrix_fn)(void *, int, void *);
typedef double (*font_size_fn)(void *, int);

typedef struct {
    float a, b, c, d, e, f;
} Matrix; /* FS_MATRIX */

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

/* The characters of a text page as pdf readers box them: pdfium_reader._pdfium_chars in C (its
 * docstring says what is done and why; the Python loop there is the reference, and the tests hold
 * the two to the same characters). The rare cases call back into Python: the font of a text object
 * seen for the first time, and text that is not upright. */
typedef struct {
    unsigned int code;
    int generated;
    double x, y, left, right, top, bottom;
    void *object;
} CharRow;

typedef struct {
    PyObject *font;  /* borrowed from the fonts dict */
    PyObject *name;  /* borrowed from the font */
    double size;
    int upright;
} FontView;

typedef struct {
    Py_UCS4 *codes;
    Py_ssize_t length, capacity;
    int space; /* the last character read is a printed space */
} Pending;

#define HYPHEN_MARK 2        /* PDFium's code for a hyphen ending a line */
#define LOST_GLYPH 0xFFFD
#define PAIR_END (-1L)

static int is_blank(unsigned int code, const unsigned int *blanks, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        if (blanks[i] == code)
            return 1;
    return 0;
}

/* pdfium_reader._code_point: a code unit at or above U+D800 as a character. */
static long code_point(const CharRow *rows, int count, int k, unsigned int code) {
    if (code > 0xDFFF)
        return (long)code;
    if (code < 0xDC00) {
        if (k + 1 < count && rows[k + 1].code >= 0xDC00 && rows[k + 1].code <= 0xDFFF)
            return 0x10000L + ((long)(code - 0xD800) << 10) + (long)(rows[k + 1].code - 0xDC00);
        return LOST_GLYPH;
    }
    if (k > 0 && rows[k - 1].code >= 0xD800 && rows[k - 1].code < 0xDC00)
        return PAIR_END;
    return LOST_GLYPH;
}

static int pending_set(Pending *text, Py_UCS4 code) {
    text->length = 0;
    text->space = 0;
    if (text->capacity == 0) {
        text->codes = PyMem_Malloc(8 * sizeof(Py_UCS4));
        if (text->codes == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        text->capacity = 8;
    }
    text->codes[text->length++] = code;
    return 0;
}

static int pending_add(Pending *text, Py_UCS4 code) {
    if (text->length == text->capacity) {
        Py_UCS4 *grown = PyMem_Realloc(text->codes, 2 * text->capacity * sizeof(Py_UCS4));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        text->codes = grown;
        text->capacity *= 2;
    }
    text->codes[text->length++] = code;
    return 0;
}

static PyObject *pending_text(const Pending *text) {
    if (text->length == 1)
        return PyUnicode_FromOrdinal((int)text->codes[0]);
    for (Py_ssize_t i = 0; i < text->length; i++)
        if (text->codes[i] > 0x10FFFF) {
            PyErr_SetString(PyExc_ValueError, "chr() arg not in range(0x110000)");
            return NULL;
        }
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text->codes, text->length);
}

static int font_view(PyObject *font, FontView *view) {
    PyObject *upright = PyObject_GetAttrString(font, "upright");
    PyObject *size = PyObject_GetAttrString(font, "size");
    PyObject *name = PyObject_GetAttrString(font, "name");
    int ok = upright != NULL && size != NULL && name != NULL;
    if (ok) {
        view->font = font;
        view->upright = PyObject_IsTrue(upright);
        view->size = PyFloat_AsDouble(size);
        view->name = name; /* the font holds it */
        ok = view->upright >= 0 && !PyErr_Occurred();
    }
    Py_XDECREF(upright);
    Py_XDECREF(size);
    Py_XDECREF(name);
    return ok ? 0 : -1;
}

/* A Char (a tuple subclass) made as tuple.__new__(Char, items) makes it, without the tuple of items. */
static int append_char(PyObject *out, PyTypeObject *char_type, PyObject *text, double x0, double x1, double top,
                       double bottom, const FontView *font) {
    if (text == NULL)
        return -1;
    PyObject *item = char_type->tp_alloc(char_type, 7);
    if (item == NULL) {
        Py_DECREF(text);
        return -1;
    }
    PyTuple_SET_ITEM(item, 0, text);
    Py_INCREF(font->name);
    PyTuple_SET_ITEM(item, 5, font->name);
    if (set_float(item, 1, x0) || set_float(item, 2, x1) || set_float(item, 3, top) || set_float(item, 4, bottom) ||
        set_float(item, 6, font->size)) {
        Py_DECREF(item);
        return -1;
    }
    int failed = PyList_Append(out, item);
    Py_DECREF(item);
    return failed;
}

/* The character read last, given where the next one starts (none after the last one): _boxed, its
 * upright case done here (it runs for every character). Sets the right edge it gave the character
 * (upright text); -1 on failure. */
static int append_boxed(PyObject *out, PyTypeObject *char_type, PyObject *boxed, PyObject *text, const CharRow *at,
                        double height, double descent, const FontView *font, const CharRow *next, double *right) {
    if (text == NULL)
        return -1;
    *right = at->right;
    if (font->upright) {
        if (next != NULL && next->y == at->y && at->x < next->x && next->x < at->right)
            *right = next->x;
        double low = height - at->y + descent * font->size;
        return append_char(out, char_type, text, at->x, *right, low - font->size, low, font);
    }
    PyObject *nx = next ? PyFloat_FromDouble(next->x) : Py_NewRef(Py_None);
    PyObject *ny = next ? PyFloat_FromDouble(next->y) : Py_NewRef(Py_None);
    PyObject *item = NULL;
    if (nx != NULL && ny != NULL)
        item = PyObject_CallFunction(boxed, "OddddddOdOO", text, at->x, at->left, at->right, at->top, at->bottom,
                                     at->y, font->font, height, nx, ny);
    Py_DECREF(text);
    Py_XDECREF(nx);
    Py_XDECREF(ny);
    if (item == NULL)
        return -1;
    int failed = PyList_Append(out, item);
    Py_DECREF(item);
    return failed;
}

/* What pdfium_reader._font_of asks of PDFium for the font of character k, as the key of the fonts
 * made so far (``cache``): (name, size, (a, b, c, d)). It writes to Python's own buffers (``name``,
 * 256 bytes, and ``matrix``), so that a call that fails leaves what it leaves there. */
static PyObject *font_key(void *textpage, int k, font_info_fn font_info, matrix_fn matrix, font_size_fn font_size,
                          char *name, Matrix *m) {
    unsigned long length = font_info(textpage, k, name, 256, NULL);
    matrix(textpage, k, m);
    double size = font_size(textpage, k);
    Py_ssize_t kept = length == 0 ? 0 : (Py_ssize_t)(length - 1 < 256 ? length - 1 : 256);
    return Py_BuildValue("(y#d(dddd))", name, kept, size, (double)m->a, (double)m->b, (double)m->c, (double)m->d);
}

/* chars(textpage, height, descent_em, blanks, Char, no_font, cache, font_for, boxed, turned, name, matrix,
 *       <the six functions of rows>, font_info, matrix, font_size) -> (chars, fonts):
 * see pdfium_reader._pdfium_chars. no_font is the font before any is asked; a text object's font
 * is cache[key] (see font_key), or font_for(key, address) where the cache has none; fonts maps
 * the address of each text object asked to its font. */
static PyObject *chars(PyObject *self, PyObject *args) {
    unsigned long long page, name_buffer, matrix_buffer, f_count, f_unicode, f_generated, f_origin, f_box, f_object,
        f_font_info, f_matrix, f_font_size;
    double height, descent;
    PyObject *blank_codes, *char_type_object, *no_font, *cache, *font_for, *boxed, *turned;
    if (!PyArg_ParseTuple(args, "KddO!O!OO!OOOKKKKKKKKKKK", &page, &height, &descent, &PyTuple_Type, &blank_codes,
                          &PyType_Type, &char_type_object, &no_font, &PyDict_Type, &cache, &font_for, &boxed, &turned,
                          &name_buffer, &matrix_buffer, &f_count, &f_unicode, &f_generated, &f_origin, &f_box,
                          &f_object, &f_font_info, &f_matrix, &f_font_size))
        return NULL;
    font_info_fn font_info = (font_info_fn)(uintptr_t)f_font_info;
    matrix_fn matrix = (matrix_fn)(uintptr_t)f_matrix;
    font_size_fn font_size = (font_size_fn)(uintptr_t)f_font_size;
    char *name = (char *)(uintptr_t)name_buffer;
    Matrix *m = (Matrix *)(uintptr_t)matrix_buffer;
    PyTypeObject *char_type = (PyTypeObject *)char_type_object;
    if (!PyType_IsSubtype(char_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "Char must be a tuple type");
        return NULL;
    }
    unsigned int blanks[64];
    Py_ssize_t blank_count = PyTuple_GET_SIZE(blank_codes);
    if (blank_count > 64) {
        PyErr_SetString(PyExc_ValueError, "at most 64 blanks");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < blank_count; i++) {
        blanks[i] = (unsigned int)PyLong_AsUnsignedLong(PyTuple_GET_ITEM(blank_codes, i));
        if (PyErr_Occurred())
            return NULL;
    }

    void *textpage = (void *)(uintptr_t)page;
    int count = ((count_chars_fn)(uintptr_t)f_count)(textpage);
    if (count < 0)
        count = 0;
    CharRow *rows = PyMem_Calloc(count ? (size_t)count : 1, sizeof(CharRow));
    if (rows == NULL)
        return PyErr_NoMemory();
    {
        unicode_fn unicode = (unicode_fn)(uintptr_t)f_unicode;
        generated_fn generated = (generated_fn)(uintptr_t)f_generated;
        origin_fn origin = (origin_fn)(uintptr_t)f_origin;
        loose_box_fn loose_box = (loose_box_fn)(uintptr_t)f_box;
        text_object_fn text_object = (text_object_fn)(uintptr_t)f_object;
        double x = 0.0, y = 0.0;
        RectF box = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int k = 0; k < count; k++) { /* a failing call leaves the values before, as in rows() */
            rows[k].code = unicode(textpage, k);
            rows[k].generated = generated(textpage, k);
            origin(textpage, k, &x, &y);
            loose_box(textpage, k, &box);
            rows[k].x = x;
            rows[k].y = y;
            rows[k].left = box.left;
            rows[k].right = box.right;
            rows[k].top = box.top;
            rows[k].bottom = box.bottom;
            rows[k].object = text_object(textpage, k);
        }
    }

    PyObject *out = PyList_New(0), *fonts = PyDict_New();
    Pending text = {NULL, 0, 0, 0};
    FontView font = {NULL, NULL, 0.0, 1};
    CharRow last = {0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, NULL}; /* the character read last: origin, box */
    if (out == NULL || fonts == NULL)
        goto failed;
    if (font_view(no_font, &font))
        goto failed;
    int have_text = 0; /* text is not None in the Python loop */
    for (int k = 0; k < count; k++) {
        const CharRow *row = &rows[k];
        long code = (long)row->code;
        if (code >= 0xD800 && (code = code_point(rows, count, k, row->code)) == PAIR_END)
            continue;
        if (is_blank((unsigned int)code, blanks, blank_count)) {
            if (row->generated)
                continue;
            double right;
            if (have_text && !text.space &&
                append_boxed(out, char_type, boxed, pending_text(&text), &last, height, descent, &font, row, &right))
                goto failed;
            if (font.upright) {
                double low = height - row->y + descent * font.size;
                if (append_char(out, char_type, PyUnicode_FromOrdinal(' '), row->x, row->x, low - font.size, low, &font))
                    goto failed;
            } else {
                PyObject *item = PyObject_CallFunction(turned, "sdd(dddd)OOOd", " ", row->x, row->y, row->left,
                                                       row->right, row->top, row->bottom, Py_None, Py_None, font.font,
                                                       height);
                int failed_append = item == NULL || PyList_Append(out, item);
                Py_XDECREF(item);
                if (failed_append)
                    goto failed;
            }
            have_text = 1;
            text.space = 1;
            text.length = 0;
            last.right = row->x;
            continue;
        }
        if (row->left == last.left && row->right == last.right && row->y == last.y && row->right > row->left &&
            have_text && !text.space && row->object == rows[k - 1].object) {
            if (pending_add(&text, (Py_UCS4)code)) /* another letter of the same glyph */
                goto failed;
            continue;
        }
        if (have_text && !text.space) {
            double right;
            if (append_boxed(out, char_type, boxed, pending_text(&text), &last, height, descent, &font, row, &right))
                goto failed;
            if (font.upright)
                last.right = right; /* where the run is seen to go on, below */
        }
        if (row->y != last.y || fabs(row->x - last.right) > 0.05) { /* not continuing the run */
            PyObject *address = PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)row->object);
            if (address == NULL)
                goto failed;
            PyObject *known = PyDict_GetItemWithError(fonts, address);
            if (known == NULL && !PyErr_Occurred()) {
                PyObject *key = font_key(textpage, k, font_info, matrix, font_size, name, m), *made = NULL;
                if (key != NULL && (made = PyDict_GetItemWithError(cache, key)) != NULL)
                    Py_INCREF(made);
                else if (key != NULL && !PyErr_Occurred())
                    made = PyObject_CallFunctionObjArgs(font_for, key, address, NULL);
                Py_XDECREF(key);
                if (made != NULL && PyDict_SetItem(fonts, address, made) == 0)
                    known = made;
                Py_XDECREF(made); /* the dict holds it */
            }
            Py_DECREF(address);
            if (known == NULL || font_view(known, &font))
                goto failed;
        }
        Py_UCS4 letter = code == HYPHEN_MARK ? '-' : (code == 0xFFFE || code == 0xFFFF) ? LOST_GLYPH : (Py_UCS4)code;
        if (pending_set(&text, letter))
            goto failed;
        have_text = 1;
        last = *row;
    }
    double right;
    if (have_text && !text.space &&
        append_boxed(out, char_type, boxed, pending_text(&text), &last, height, descent, &font, NULL, &right))
        goto failed;
    PyMem_Free(rows);
    PyMem_Free(text.codes);
    return Py_BuildValue("(NN)", out, fonts);

failed:
    PyMem_Free(rows);
    PyMem_Free(text.codes);
    Py_XDECREF(out);
    Py_XDECREF(fonts);
    return NULL;
}

static PyMethodDef methods[] = {
    {"rows", rows, METH_VARARGS, "Every character of a PDFium text page as a row of what PDFium says of it."},
    {"chars", chars, METH_VARARGS, "Every character of a PDFium text page, boxed as pdfminer boxes it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_bulk", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_bulk(void) { return PyModule_Create(&module); }
