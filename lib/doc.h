/*
 * doc.h - a small document tree with source positions, produced from YAML
 * (doc_yaml.c, the only libyaml user) or JSON (doc_json.c, the only jansson
 * reader).  Spec validators walk this tree, so YAML and JSON input give the
 * same in-memory spec and the same error positions.
 */
#ifndef GPUARB_DOC_H
#define GPUARB_DOC_H

#include "internal.h"

typedef enum ga_doc_kind {
    GA_DOC_NULL = 0,
    GA_DOC_BOOL,
    GA_DOC_NUMBER,   /* JSON number or YAML plain scalar that reads as a number */
    GA_DOC_STRING,   /* any other scalar; quoted YAML scalars are always strings */
    GA_DOC_SEQ,
    GA_DOC_MAP
} ga_doc_kind;

typedef struct ga_doc_node ga_doc_node;
struct ga_doc_node {
    ga_doc_kind kind;
    int32_t line, col;       /* 1-based start of the value */
    int32_t is_integer;      /* NUMBER written without fraction/exponent */
    int32_t boolean;         /* BOOL */
    double number;           /* NUMBER (finite) */
    char *str;               /* STRING: value; NUMBER/BOOL/NULL: text as written */
    size_t n;                /* SEQ: items; MAP: pairs */
    ga_doc_node **items;     /* SEQ items; MAP values */
    char **keys;             /* MAP keys, in document order */
    int32_t *key_line, *key_col; /* MAP key positions */
};

/* Limits applied while loading (documented in the man page). */
#define GA_DOC_MAX_BYTES (16u * 1024u * 1024u)  /* 16 MiB of input */
#define GA_DOC_MAX_DEPTH 64
#define GA_DOC_MAX_NODES 2000000

typedef struct ga_doc {
    ga_doc_node *root;
    char *source;            /* owned copy of the source name */
} ga_doc;

/* Parse text (len bytes, need not be NUL-terminated).  Errors carry the
 * source, line and column: GPUARB_ERR_SYNTAX for malformed input,
 * GPUARB_ERR_LIMIT past the limits above or on any YAML alias/anchor,
 * GPUARB_ERR_INPUT for duplicate keys or non-scalar keys, a NaN/Inf number
 * or more than one document. */
gpuarb_status ga_doc_parse_yaml(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, ga_doc *out);
gpuarb_status ga_doc_parse_json(gpuarb_ctx *ctx, const char *text, size_t len,
                                const char *source, ga_doc *out);
/* JSON if the first non-blank byte is '{' or '[', YAML otherwise. */
gpuarb_status ga_doc_parse(gpuarb_ctx *ctx, const char *text, size_t len,
                           const char *source, ga_doc *out);
void ga_doc_free(ga_doc *doc);

/* Lookup helpers. */
const ga_doc_node *ga_doc_get(const ga_doc_node *map, const char *key); /* NULL if absent */
const char *ga_doc_kind_name(ga_doc_kind k); /* "a string", "a number", ... */

#endif
