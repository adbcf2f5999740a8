/* ASCII85 decoding for integrity.ascii85, in C: the content streams of some producers are ASCII85
 * text, and the standard library's base64.a85decode is a Python loop over every group of five.
 *
 * decode(digits) takes what integrity.ascii85 has already cleaned: only the digits '!'..'u' (the
 * ends, the blanks and each 'z' already dealt with). It decodes exactly as base64.a85decode does
 * on such input: groups of five digits give four bytes; a last group of k < 5 digits is padded
 * with 'u' and gives k - 1 bytes; a group worth more than 2**32 - 1 raises ValueError("Ascii85
 * overflow"), even the padded last one.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *decode(PyObject *self, PyObject *args) {
    Py_buffer digits;
    if (!PyArg_ParseTuple(args, "y*", &digits))
        return NULL;
    const unsigned char *in = digits.buf;
    Py_ssize_t count = digits.len, tail = count % 5;
    Py_ssize_t size = count / 5 * 4 + (tail ? tail - 1 : 0);
    PyObject *out = PyBytes_FromStringAndSize(NULL, count / 5 * 4 + (tail ? 4 : 0));
    if (out == NULL) {
        PyBuffer_Release(&digits);
        return NULL;
    }
    unsigned char *decoded = (unsigned char *)PyBytes_AS_STRING(out);
    for (Py_ssize_t start = 0; start < count; start += 5) {
        uint64_t value = 0;
        for (Py_ssize_t k = start; k < start + 5; k++) {
            unsigned char digit = k < count ? in[k] : 'u';
            if (digit < '!' || digit > 'u') {
                PyErr_Format(PyExc_ValueError, "Non-Ascii85 digit found: '%c'", digit);
                goto failed;
            }
            value = value * 85 + (uint64_t)(digit - '!');
        }
        if (value > 0xFFFFFFFFu) {
            PyErr_SetString(PyExc_ValueError, "Ascii85 overflow");
            goto failed;
        }
        *decoded++ = (unsigned char)(value >> 24), *decoded++ = (unsigned char)(value >> 16);
        *decoded++ = (unsigned char)(value >> 8), *decoded++ = (unsigned char)value;
    }
    PyBuffer_Release(&digits);
    if (_PyBytes_Resize(&out, size) < 0)
        return NULL;
    return out;
failed:
    PyBuffer_Release(&digits);
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"decode", decode, METH_VARARGS, "ASCII85 digits decoded, as base64.a85decode (integrity.ascii85)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ascii85", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ascii85(void) { return PyModule_Create(&module); }
