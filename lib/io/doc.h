/*
 * doc.h - a small document tree with source positions, produced from YAML
 * (doc_yaml.c, the only libyaml user) or JSON (doc_json.c, a decoder of our
 * own).  Spec validators walk this tree, so YAML and JSON input give the
 * same in-memory spec and the same error positions.
 */
#ifndef GPUARB_DOC_H
#define GPUARB_DOC_H

#include "base/internal.h"
#include "base/strmap.h"

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
/* The spec parsers' start from a caller's buffer: ga_check_text (have_out:
 * the public out pointer was not NULL), then ga_doc_parse (NULL source:
 * "<string>"). */
gpuarb_status ga_doc_from_text(gpuarb_ctx *ctx, int have_out, const char *text, size_t len,
                               const char *source, ga_doc *out);
/* The spec loaders' start from a file: ga_load_file's checks ("no spec
 * path"), then the file (at most GA_DOC_MAX_BYTES) parsed as JSON when its
 * name ends in ".json" (any case), as YAML otherwise; errors name path as
 * the source. */
gpuarb_status ga_doc_load(gpuarb_ctx *ctx, int have_out, const char *path, ga_doc *out);
/* The readers' common start: check out, make a NULL text the empty one,
 * apply the size limit and store an owned copy of the source name in
 * out->source (NULL source: "<string>"). */
gpuarb_status ga_doc_begin(gpuarb_ctx *ctx, const char **text, size_t *len, const char *source,
                           ga_doc *out);

/* Lookup helpers. */
const ga_doc_node *ga_doc_get(const ga_doc_node *map, const char *key); /* NULL if absent */
const char *ga_doc_kind_name(ga_doc_kind k); /* "a string", "a number", ... */
/* 1 if two trees hold the same data: kinds, numbers (and is_integer),
 * booleans, strings, keys and order.  Positions and the written text of
 * non-strings are ignored, so a YAML and a JSON document can be compared. */
int ga_doc_equal(const ga_doc_node *a, const ga_doc_node *b);

/* ---- Building blocks shared by the two parsers (doc.c) ---- */

/* A zeroed node; NULL when out of memory. */
ga_doc_node *ga_doc_node_new(ga_doc_kind kind, int32_t line, int32_t col);
/* Free a node and everything under it (depth is bounded by the limits). */
void ga_doc_node_free(ga_doc_node *n);
/* Append to a SEQ (*cap tracks its capacity); -1 when out of memory, and
 * then item is NOT taken. */
int ga_doc_seq_push(ga_doc_node *seq, size_t *cap, ga_doc_node *item);
/* Append a pair to a MAP; key is taken (owned) on success, value may be
 * NULL and set later through map->items[map->n - 1]. */
int ga_doc_map_push(ga_doc_node *map, size_t *cap, char *key, int32_t line, int32_t col,
                    ga_doc_node *value);

/* Byte offset -> 1-based line and column.  Lines end at "\n", "\r\n" or a
 * lone "\r"; columns count BYTES from the start of the line (not
 * characters; a UTF-8 byte-order mark at the start is not counted).  The
 * YAML reader converts libyaml's character marks to this, and JSON errors
 * use it too, so both formats report the same kind of column.  The cursor
 * remembers where it stopped, so lookups in document order cost O(length)
 * in total. */
typedef struct ga_doc_pos {
    const char *text;
    size_t len;
    size_t off;          /* bytes scanned so far */
    size_t line_start;   /* offset of the current line */
    int32_t line;        /* 1-based line of offset off */
} ga_doc_pos;
void ga_doc_pos_init(ga_doc_pos *p, const char *text, size_t len);
void ga_doc_pos_at(ga_doc_pos *p, size_t off, int32_t *line, int32_t *col);

/* Duplicate keys and names are found with the string set of base/strmap.h. */

#endif
