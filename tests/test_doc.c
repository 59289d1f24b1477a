/*
 * test_doc.c - the document tree readers (lib/doc*.c): positions of values
 * and keys in YAML and JSON, equal trees for equivalent documents, YAML 1.2
 * core scalar typing and tags, the limits (size, depth, nodes, anchors and
 * aliases including a "billion laughs" document), duplicate keys, non-finite
 * numbers, multi-document streams, and garbage input; and the reader built
 * on the tree (lib/io/docread.c): the key walker's document order, hints,
 * missing and null keys, the typed getters' ranges and exact wording, and
 * key paths.
 *
 * Expected lines and columns were counted by hand from the literal texts
 * below (1-based; columns count bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "io/docread.h"

static gpuarb_status yaml(fixture *f, const char *text, ga_doc *d)
{
    return ga_doc_parse_yaml(f->ctx, text, strlen(text), "t.yaml", d);
}

static gpuarb_status json(fixture *f, const char *text, ga_doc *d)
{
    return ga_doc_parse_json(f->ctx, text, strlen(text), "t.json", d);
}

static void expect_yaml_error(fixture *f, const char *text, gpuarb_status want, int32_t line,
                              int32_t col, const char *fragment)
{
    ga_doc d;
    tu_assert_error(f->ctx, yaml(f, text, &d), want, line, col, fragment);
    assert_null(d.root);
    assert_string_equal(gpuarb_errsource(f->ctx), "t.yaml");
}

static void expect_json_error(fixture *f, const char *text, gpuarb_status want, int32_t line,
                              int32_t col, const char *fragment)
{
    ga_doc d;
    tu_assert_error(f->ctx, json(f, text, &d), want, line, col, fragment);
    assert_null(d.root);
    assert_string_equal(gpuarb_errsource(f->ctx), "t.json");
}

/* One text that must fail to load, and where and why (counted by hand). */
enum { YAML, JSON };
typedef struct doc_error {
    int format; /* YAML or JSON */
    const char *text;
    gpuarb_status want;
    int32_t line, col;
    const char *fragment;
} doc_error;

static void expect_errors(fixture *f, const doc_error *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        (c[i].format == JSON ? expect_json_error : expect_yaml_error)(
            f, c[i].text, c[i].want, c[i].line, c[i].col, c[i].fragment);
}
#define EXPECT_ERRORS(f, cases) expect_errors(f, cases, sizeof cases / sizeof cases[0])

static const ga_doc_node *at(const ga_doc_node *map, const char *key)
{
    const ga_doc_node *n = ga_doc_get(map, key);
    if (!n)
        fail_msg("no key '%s'", key);
    return n;
}

static void assert_pos(const ga_doc_node *n, int32_t line, int32_t col)
{
    if (n->line != line || n->col != col)
        fail_msg("node at %d:%d, expected %d:%d", (int)n->line, (int)n->col, (int)line,
                 (int)col);
}

static void assert_key_pos(const ga_doc_node *map, size_t i, int32_t line, int32_t col)
{
    if (map->key_line[i] != line || map->key_col[i] != col)
        fail_msg("key '%s' at %d:%d, expected %d:%d", map->keys[i], (int)map->key_line[i],
                 (int)map->key_col[i], (int)line, (int)col);
}

/* The positions of the positions tests' tree, {top: 1, list: [alpha,
 * {inner: {k: [7, "x"]}}], café: ...}, in this order: the root, top's key,
 * top, list's key, list, alpha, the mapping, inner's key, the flow map, k's
 * key, the flow list, 7, "x", café's key, café's value. */
static void assert_tree_positions(const ga_doc_node *r, const int32_t want[15][2])
{
    const ga_doc_node *list = at(r, "list");
    const ga_doc_node *m = list->items[1];
    const ga_doc_node *flow = at(m, "inner");
    const ga_doc_node *seq = at(flow, "k");
    assert_pos(r, want[0][0], want[0][1]);
    assert_key_pos(r, 0, want[1][0], want[1][1]);
    assert_pos(at(r, "top"), want[2][0], want[2][1]);
    assert_key_pos(r, 1, want[3][0], want[3][1]);
    assert_pos(list, want[4][0], want[4][1]);
    assert_pos(list->items[0], want[5][0], want[5][1]);
    assert_pos(m, want[6][0], want[6][1]);
    assert_key_pos(m, 0, want[7][0], want[7][1]);
    assert_pos(flow, want[8][0], want[8][1]);
    assert_key_pos(flow, 0, want[9][0], want[9][1]);
    assert_pos(seq, want[10][0], want[10][1]);
    assert_pos(seq->items[0], want[11][0], want[11][1]);
    assert_pos(seq->items[1], want[12][0], want[12][1]);
    assert_key_pos(r, 2, want[13][0], want[13][1]);
    assert_pos(at(r, "caf\xc3\xa9"), want[14][0], want[14][1]);
}

/* ------------------------------------------------------------------ */

static void yaml_positions(void **state)
{
    fixture *f = *state;
    const char *text =
        "top: 1\n"                     /* line 1 */
        "list:\n"                      /* line 2 */
        "  - alpha\n"                  /* line 3: '-' col 3, alpha col 5 */
        "  - inner: {k: [7, \"x\"]}\n" /* line 4: inner col 5, '{' col 12, k col 13,
                                          '[' col 16, 7 col 17, "x" col 20 */
        "caf\xc3\xa9: ok\n";           /* line 5: key col 1, "ok" col 8 (é is 2 bytes) */
    /* root, top's key, top, list's key, list, alpha, the mapping, inner's
     * key, the flow map, k's key, the flow list, 7, "x", café's key, "ok" */
    static const int32_t want[][2] = {{1, 1}, {1, 1}, {1, 6}, {2, 1},  {3, 3},
                                      {3, 5}, {4, 5}, {4, 5}, {4, 12}, {4, 13},
                                      {4, 16}, {4, 17}, {4, 20}, {5, 1}, {5, 8}};
    ga_doc d;
    assert_int_equal(yaml(f, text, &d), GPUARB_OK);
    const ga_doc_node *r = d.root;
    assert_int_equal(r->kind, GA_DOC_MAP);
    assert_int_equal(r->n, 3);
    const ga_doc_node *list = at(r, "list");
    assert_int_equal(list->kind, GA_DOC_SEQ);
    assert_int_equal(at(at(list->items[1], "inner"), "k")->items[1]->kind, GA_DOC_STRING);
    assert_tree_positions(r, want);
    ga_doc_free(&d);
}

static void json_positions(void **state)
{
    fixture *f = *state;
    const char *text =
        "{\n"                                  /* line 1 */
        "  \"top\": 1,\n"                      /* line 2: key col 3, 1 col 10 */
        "  \"list\": [\"alpha\",\n"            /* line 3: key col 3, '[' col 11, alpha 12 */
        "    {\"inner\": {\"k\": [7, \"x\"]}}],\n" /* line 4: '{' 5, key 6, '{' 15, "k" 16,
                                                   '[' 21, 7 col 22, "x" col 25 */
        "  \"caf\xc3\xa9\": \"\xc3\xa9\", \"n\": -2.5e1\n" /* line 5: key col 3, value col 12,
                                                            "n" col 18, -2.5e1 col 23 */
        "}\n";
    static const int32_t want[][2] = {{1, 1}, {2, 3}, {2, 10}, {3, 3},  {3, 11},
                                      {3, 12}, {4, 5}, {4, 6}, {4, 15}, {4, 16},
                                      {4, 21}, {4, 22}, {4, 25}, {5, 3}, {5, 12}};
    ga_doc d;
    assert_int_equal(json(f, text, &d), GPUARB_OK);
    const ga_doc_node *r = d.root;
    assert_tree_positions(r, want);
    assert_key_pos(r, 3, 5, 18);
    const ga_doc_node *n = at(r, "n");
    assert_pos(n, 5, 23);
    assert_string_equal(n->str, "-2.5e1"); /* the text as written */
    ga_doc_free(&d);
    /* escapes decoded: U+1F600 from its surrogate pair is F0 9F 98 80,
     * U+00E9 is C3 A9, U+20AC is E2 82 AC */
    assert_int_equal(json(f, "[\"\\ud83d\\ude00|\\u00e9\\u20AC|\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", &d),
                     GPUARB_OK);
    assert_string_equal(d.root->items[0]->str,
                        "\xf0\x9f\x98\x80|\xc3\xa9\xe2\x82\xac|\"\\/\b\f\n\r\t");
    ga_doc_free(&d);
    assert_int_equal(json(f, text, &d), GPUARB_OK);
    r = d.root;
    n = at(r, "n");
    assert_true(n->number == -25.0);
    assert_false(n->is_integer);
    ga_doc_free(&d);
}

/* jansson must hand object members back in document order, because the
 * positions are matched to them in that order.  Keys here are neither
 * sorted nor in hash order. */
static void json_key_order(void **state)
{
    fixture *f = *state;
    const char *text = "{\"zeta\": 1, \"alpha\": 2, \"mid\": 3, \"beta\": 4, \"yy\": 5, "
                       "\"a\": 6, \"q\": 7, \"c\": 8, \"k\": 9, \"b\": 10}";
    const char *order[] = {"zeta", "alpha", "mid", "beta", "yy", "a", "q", "c", "k", "b"};
    ga_doc d;
    assert_int_equal(json(f, text, &d), GPUARB_OK);
    assert_int_equal(d.root->n, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(d.root->keys[i], order[i]);
        assert_true(d.root->items[i]->number == (double)(i + 1));
        /* the value sits 2 bytes after the key's closing quote */
        assert_int_equal(d.root->items[i]->col,
                         d.root->key_col[i] + (int32_t)strlen(order[i]) + 4);
    }
    ga_doc_free(&d);
}

static void yaml_and_json_give_equal_trees(void **state)
{
    fixture *f = *state;
    const char *y =
        "# a comment\n"
        "int: 3\n"
        "float: 3.0\n"
        "hex: 0x1F\n"
        "oct: 0o17\n"
        "exp: 1e3\n"
        "half: .5\n"
        "neg: -7\n"
        "plus: +4\n"
        "t: True\n"
        "f: FALSE\n"
        "n1: ~\n"
        "n2:\n"
        "n3: Null\n"
        "s1: 'quoted 3'\n"
        "s2: \"caf\\u00e9\"\n"
        "s3: yes\n"
        "s4: |\n"
        "  two\n"
        "  lines\n"
        "nested:\n"
        "  - {a: [1, 2.5, x]}\n"
        "  - []\n"
        "  - {}\n";
    const char *j =
        "{\"int\": 3, \"float\": 3.0, \"hex\": 31, \"oct\": 15, \"exp\": 1000.0,\n"
        " \"half\": 0.5, \"neg\": -7, \"plus\": 4, \"t\": true, \"f\": false,\n"
        " \"n1\": null, \"n2\": null, \"n3\": null, \"s1\": \"quoted 3\",\n"
        " \"s2\": \"caf\xc3\xa9\", \"s3\": \"yes\", \"s4\": \"two\\nlines\\n\",\n"
        " \"nested\": [{\"a\": [1, 2.5, \"x\"]}, [], {}]}";
    ga_doc a, b;
    assert_int_equal(yaml(f, y, &a), GPUARB_OK);
    assert_int_equal(json(f, j, &b), GPUARB_OK);
    assert_true(ga_doc_equal(a.root, b.root));
    /* and the comparison itself is sharp: 3 and 3.0 differ */
    const ga_doc_node *i3 = ga_doc_get(a.root, "int"), *f3 = ga_doc_get(a.root, "float");
    assert_true(i3->is_integer);
    assert_false(f3->is_integer);
    assert_true(i3->number == f3->number);
    assert_false(ga_doc_equal(i3, f3));
    ga_doc_free(&a);
    ga_doc_free(&b);

    /* 1e3 is a float in both, 1000 an integer in both */
    assert_int_equal(yaml(f, "[1e3, 1000]", &a), GPUARB_OK);
    assert_int_equal(json(f, "[1e3, 1000]", &b), GPUARB_OK);
    assert_true(ga_doc_equal(a.root, b.root));
    assert_false(ga_doc_equal(a.root->items[0], a.root->items[1]));
    ga_doc_free(&a);
    ga_doc_free(&b);
}

typedef struct scalar_case {
    const char *text;
    ga_doc_kind kind;
    double number;
    int is_integer;
    int boolean;
} scalar_case;

/* The YAML 1.2 core schema, one plain scalar at a time. */
static void yaml_core_schema(void **state)
{
    fixture *f = *state;
    static const scalar_case cases[] = {
        {"0", GA_DOC_NUMBER, 0, 1, 0},
        {"-0", GA_DOC_NUMBER, 0, 1, 0},
        {"+12", GA_DOC_NUMBER, 12, 1, 0},
        {"007", GA_DOC_NUMBER, 7, 1, 0},
        {"0x1f", GA_DOC_NUMBER, 31, 1, 0},
        {"0xFF", GA_DOC_NUMBER, 255, 1, 0},
        {"0o17", GA_DOC_NUMBER, 15, 1, 0},
        {"9223372036854775807", GA_DOC_NUMBER, 9223372036854775807.0, 1, 0},
        {"-9223372036854775808", GA_DOC_NUMBER, -9223372036854775808.0, 1, 0},
        {"1.5", GA_DOC_NUMBER, 1.5, 0, 0},
        {"1.", GA_DOC_NUMBER, 1, 0, 0},
        {".25", GA_DOC_NUMBER, 0.25, 0, 0},
        {"-2E-2", GA_DOC_NUMBER, -0.02, 0, 0},
        {"1e-400", GA_DOC_NUMBER, 0, 0, 0}, /* underflow is zero, as in JSON */
        {"true", GA_DOC_BOOL, 0, 0, 1},
        {"TrUe", GA_DOC_BOOL, 0, 0, 1},
        {"false", GA_DOC_BOOL, 0, 0, 0},
        {"FALSE", GA_DOC_BOOL, 0, 0, 0},
        {"null", GA_DOC_NULL, 0, 0, 0},
        {"NULL", GA_DOC_NULL, 0, 0, 0},
        {"~", GA_DOC_NULL, 0, 0, 0},
        {"nULL", GA_DOC_STRING, 0, 0, 0},  /* not one of the three spellings */
        {"yes", GA_DOC_STRING, 0, 0, 0},   /* YAML 1.1 booleans are strings */
        {"off", GA_DOC_STRING, 0, 0, 0},
        {"1_000", GA_DOC_STRING, 0, 0, 0},
        {"0x", GA_DOC_STRING, 0, 0, 0},
        {"0b101", GA_DOC_STRING, 0, 0, 0},
        {"1e", GA_DOC_STRING, 0, 0, 0},
        {"inf", GA_DOC_STRING, 0, 0, 0},
        {"nan", GA_DOC_STRING, 0, 0, 0},
        {".", GA_DOC_STRING, 0, 0, 0},
        {"12:30", GA_DOC_STRING, 0, 0, 0},
        {"-0x10", GA_DOC_STRING, 0, 0, 0},
        {"'12'", GA_DOC_STRING, 0, 0, 0},
        {"\"true\"", GA_DOC_STRING, 0, 0, 0},
        {"''", GA_DOC_STRING, 0, 0, 0},
        {"", GA_DOC_NULL, 0, 0, 0},
        {"!!str 12", GA_DOC_STRING, 0, 0, 0},
        {"! 12", GA_DOC_STRING, 0, 0, 0},
        {"!!int '12'", GA_DOC_NUMBER, 12, 1, 0},
        {"!!float 12", GA_DOC_NUMBER, 12, 0, 0},
        {"!!bool 'TRUE'", GA_DOC_BOOL, 0, 0, 1},
        {"!!null ''", GA_DOC_NULL, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "v: %s\n", cases[i].text);
        ga_doc d;
        gpuarb_status st = yaml(f, text, &d);
        if (st != GPUARB_OK)
            fail_msg("'%s': %s", cases[i].text, gpuarb_errmsg(f->ctx));
        const ga_doc_node *v = ga_doc_get(d.root, "v");
        if (v->kind != cases[i].kind)
            fail_msg("'%s': kind %d, expected %d", cases[i].text, v->kind, cases[i].kind);
        if (v->kind == GA_DOC_NUMBER &&
            (v->number != cases[i].number || !v->is_integer != !cases[i].is_integer))
            fail_msg("'%s': %.17g integer=%d", cases[i].text, v->number, v->is_integer);
        if (v->kind == GA_DOC_BOOL && v->boolean != cases[i].boolean)
            fail_msg("'%s': boolean %d", cases[i].text, v->boolean);
        ga_doc_free(&d);
    }
}

static void not_finite_numbers(void **state)
{
    fixture *f = *state;
    static const doc_error c[] = {
        {YAML, "a: .inf\n", GPUARB_ERR_INPUT, 1, 4, "not a finite number"},
        {YAML, "a: -.Inf\n", GPUARB_ERR_INPUT, 1, 4, "not a finite number"},
        {YAML, "a:\n  - .NaN\n", GPUARB_ERR_INPUT, 2, 5, "not a finite number"},
        {YAML, "a: 1e999\n", GPUARB_ERR_INPUT, 1, 4, "not a finite number"},
        {YAML, "a: !!float .nan\n", GPUARB_ERR_INPUT, 1, 4, "not a finite number"},
        {YAML, "a: 9223372036854775808\n", GPUARB_ERR_INPUT, 1, 4, "out of range"},
        {YAML, "a: 0x10000000000000000\n", GPUARB_ERR_INPUT, 1, 4, "out of range"},
        /* JSON has no NaN/Infinity literals; overflow is the way in */
        {JSON, "{\"a\": [1, 1e999]}", GPUARB_ERR_INPUT, 1, 11, "not a finite number"},
        {JSON, "{\"a\": -9223372036854775809}", GPUARB_ERR_INPUT, 1, 7, "out of range"},
        {JSON, "{\"a\": NaN}", GPUARB_ERR_SYNTAX, 1, 7, "value expected near 'NaN'"},
    };
    EXPECT_ERRORS(f, c);
}

static void tags(void **state)
{
    fixture *f = *state;
    static const doc_error c[] = {
        {YAML, "a: !foo 1\n", GPUARB_ERR_INPUT, 1, 4, "unsupported tag '!foo'"},
        {YAML, "a: !!binary aGk=\n", GPUARB_ERR_INPUT, 1, 4, "unsupported tag"},
        {YAML, "a: !!int 1.5\n", GPUARB_ERR_INPUT, 1, 4, "not an integer"},
        {YAML, "a: !!float abc\n", GPUARB_ERR_INPUT, 1, 4, "not a number"},
        {YAML, "a: !!bool yes\n", GPUARB_ERR_INPUT, 1, 4, "not true or false"},
        {YAML, "a: !!null 0\n", GPUARB_ERR_INPUT, 1, 4, "not null"},
        {YAML, "a: !!map [1]\n", GPUARB_ERR_INPUT, 1, 4, "unsupported tag"},
        {YAML, "!!set {a: 1}\n", GPUARB_ERR_INPUT, 1, 1, "unsupported tag"},
    };
    EXPECT_ERRORS(f, c);
    ga_doc d;
    assert_int_equal(yaml(f, "a: !!seq [1]\nb: !!map {c: 1}\n", &d), GPUARB_OK);
    assert_int_equal(ga_doc_get(d.root, "a")->kind, GA_DOC_SEQ);
    assert_int_equal(ga_doc_get(d.root, "b")->kind, GA_DOC_MAP);
    ga_doc_free(&d);
}

static void anchors_and_aliases(void **state)
{
    fixture *f = *state;
    const char *frag = "YAML anchors and aliases are not supported";
    expect_yaml_error(f, "a: &x 1\nb: *x\n", GPUARB_ERR_LIMIT, 1, 4, frag);
    expect_yaml_error(f, "a: 1\nb: *nowhere\n", GPUARB_ERR_LIMIT, 2, 4, frag);
    expect_yaml_error(f, "a:\n  - &m {k: 1}\n", GPUARB_ERR_LIMIT, 2, 5, frag);
    expect_yaml_error(f, "- &s [1]\n", GPUARB_ERR_LIMIT, 1, 3, frag);
    /* "Billion laughs": nine levels of ten aliases would expand to 10^9
     * strings.  It must stop at the first anchor, in no time. */
    char bl[2048];
    size_t n = (size_t)snprintf(bl, sizeof bl, "a: &a [\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++)
        n += (size_t)snprintf(bl + n, sizeof bl - n,
                              "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c,
                              c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
                              c - 1);
    expect_yaml_error(f, bl, GPUARB_ERR_LIMIT, 1, 4, frag);
}

static void duplicate_and_complex_keys(void **state)
{
    fixture *f = *state;
    static const doc_error c[] = {
        {YAML, "a: 1\nb: 2\na: 3\n", GPUARB_ERR_INPUT, 3, 1, "duplicate key 'a'"},
        {YAML, "x:\n  a: 1\n  \"a\": 2\n", GPUARB_ERR_INPUT, 3, 3, "duplicate key 'a'"},
        {YAML, "{a: 1, b: {c: 1, c: 2}}", GPUARB_ERR_INPUT, 1, 18, "duplicate key 'c'"},
        {JSON, "{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}", GPUARB_ERR_INPUT, 2, 16,
         "duplicate key 'c'"},
        {YAML, "? [a]\n: 1\n", GPUARB_ERR_INPUT, 1, 3, "keys must be plain values"},
        {YAML, "{{a: 1}: 2}", GPUARB_ERR_INPUT, 1, 2, "keys must be plain values"},
    };
    EXPECT_ERRORS(f, c);
    /* Same key in different maps is fine; many keys stay linear. */
    ga_doc d;
    assert_int_equal(yaml(f, "a: {k: 1}\nb: {k: 2}\n", &d), GPUARB_OK);
    ga_doc_free(&d);
    size_t cap = 40000 * 16 + 16;
    char *big = tu_alloc(cap, 1), *p = big;
    for (int i = 0; i < 40000; i++)
        p += sprintf(p, "k%d: %d\n", i, i);
    assert_int_equal(yaml(f, big, &d), GPUARB_OK);
    assert_int_equal(d.root->n, 40000);
    ga_doc_free(&d);
    sprintf(p, "k39999: 0\n"); /* the duplicate is on line 40001 */
    expect_yaml_error(f, big, GPUARB_ERR_INPUT, 40001, 1, "duplicate key 'k39999'");
    free(big);
    /* JSON: a map of 20 keys k0..k19, one a line from line 2, then k7
     * again on line 22 (past the 16 keys where doc_json.c starts hashing),
     * and an escaped duplicate among few keys */
    char js[512];
    p = js + sprintf(js, "{\n");
    for (int i = 0; i < 20; i++)
        p += sprintf(p, "\"k%d\": %d,\n", i, i);
    sprintf(p, "\"k20\": 20\n}");
    assert_int_equal(json(f, js, &d), GPUARB_OK);
    assert_int_equal(d.root->n, 21);
    assert_string_equal(d.root->keys[20], "k20");
    ga_doc_free(&d);
    sprintf(p, "\"k7\": 0\n}");
    expect_json_error(f, js, GPUARB_ERR_INPUT, 22, 1, "duplicate key 'k7'");
    expect_json_error(f, "{\"gpu\": 1, \"g\\u0070u\": 2}", GPUARB_ERR_INPUT, 1, 12,
                      "duplicate key 'g\\u0070u'");
}

static void multi_document(void **state)
{
    fixture *f = *state;
    expect_yaml_error(f, "a: 1\n---\nb: 2\n", GPUARB_ERR_INPUT, 2, 1, "more than one");
    expect_yaml_error(f, "--- 1\n--- 2\n", GPUARB_ERR_INPUT, 2, 1, "more than one");
    ga_doc d;
    /* One document with explicit markers is fine, so is an empty stream. */
    assert_int_equal(yaml(f, "---\na: 1\n...\n", &d), GPUARB_OK);
    assert_int_equal(d.root->kind, GA_DOC_MAP);
    ga_doc_free(&d);
    assert_int_equal(yaml(f, "# only a comment\n", &d), GPUARB_OK);
    assert_int_equal(d.root->kind, GA_DOC_NULL);
    ga_doc_free(&d);
    expect_json_error(f, "{} {}", GPUARB_ERR_SYNTAX, 1, 4, "end of file expected");
}

static char *nested(const char *open, const char *close, int depth)
{
    size_t lo = strlen(open), lc = strlen(close);
    char *s = tu_alloc((size_t)depth * (lo + lc) + 1, 1), *p = s;
    for (int i = 0; i < depth; i++, p += lo)
        memcpy(p, open, lo);
    for (int i = 0; i < depth; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void depth_limit(void **state)
{
    fixture *f = *state;
    ga_doc d;
    char *ok = nested("[", "]", GA_DOC_MAX_DEPTH);
    assert_int_equal(yaml(f, ok, &d), GPUARB_OK);
    ga_doc_free(&d);
    assert_int_equal(json(f, ok, &d), GPUARB_OK);
    ga_doc_free(&d);
    free(ok);
    /* one level more: the 65th '[' (column 65) is refused */
    char *deep = nested("[", "]", GA_DOC_MAX_DEPTH + 1);
    expect_yaml_error(f, deep, GPUARB_ERR_LIMIT, 1, 65, "nesting deeper than 64");
    expect_json_error(f, deep, GPUARB_ERR_LIMIT, 1, 65, "nesting deeper than 64");
    free(deep);
    /* {"a":{"a":...}}: the 65th '{' starts at byte 1 + 64 * 5 */
    deep = nested("{\"a\":", "}", 100000);
    expect_json_error(f, deep, GPUARB_ERR_LIMIT, 1, 321, "nesting deeper than 64");
    free(deep);
    /* block style: "a:\n  a:\n    a: ..." - the 65th mapping is the value
     * of the key on line 64, and starts on line 65 at column 129 */
    char *blk = tu_alloc(200 * 210, 1), *p = blk;
    for (int i = 0; i < 200; i++)
        p += sprintf(p, "%*sa:\n", 2 * i, "");
    expect_yaml_error(f, blk, GPUARB_ERR_LIMIT, 65, 129, "nesting deeper than 64");
    free(blk);
}

static void size_and_node_limits(void **state)
{
    fixture *f = *state;
    ga_doc d;
    /* One byte past the size limit is refused before any parsing. */
    size_t n = GA_DOC_MAX_BYTES + 1u;
    char *big = tu_alloc(n, 1);
    memset(big, ' ', n);
    big[0] = '[';
    big[n - 1] = ']';
    assert_int_equal(ga_doc_parse_yaml(f->ctx, big, n, "s", &d), GPUARB_ERR_LIMIT);
    assert_int_equal(ga_doc_parse_json(f->ctx, big, n, "s", &d), GPUARB_ERR_LIMIT);
    assert_non_null(strstr(gpuarb_errmsg(f->ctx), "16777217 bytes"));
    free(big);

    /* "[0,0,...]" with 2,000,000 zeros is 2,000,001 nodes.  The refused
     * node is the last zero, at byte offset 1 + 2 * 1999999 = 3999999,
     * column 4000000. */
    size_t zeros = GA_DOC_MAX_NODES;
    big = tu_alloc(2 * zeros + 2, 1);
    big[0] = '[';
    for (size_t i = 0; i < zeros; i++) {
        big[1 + 2 * i] = '0';
        big[2 + 2 * i] = ',';
    }
    big[2 * zeros] = ']';
    big[2 * zeros + 1] = '\0';
    expect_json_error(f, big, GPUARB_ERR_LIMIT, 1, 4000000, "more than 2000000 nodes");
    expect_yaml_error(f, big, GPUARB_ERR_LIMIT, 1, 4000000, "more than 2000000 nodes");
    /* one zero fewer is exactly at the limit and accepted */
    big[2 * zeros - 2] = ']';
    big[2 * zeros - 1] = '\0';
    assert_int_equal(json(f, big, &d), GPUARB_OK);
    assert_int_equal(d.root->n, zeros - 1);
    ga_doc_free(&d);
    free(big);
}

static void syntax_errors(void **state)
{
    fixture *f = *state;
    static const doc_error json_cases[] = {
        /* at the first byte of what was found, saying what was expected */
        {JSON, "{\"a\": tru}", GPUARB_ERR_SYNTAX, 1, 7, "value expected near 'tru'"},
        {JSON, "{\"version\": 1,, }", GPUARB_ERR_SYNTAX, 1, 15, "expected"},
        {JSON, "{\n  \"a\": [1, 2,]\n}", GPUARB_ERR_SYNTAX, 2, 14,
         "value expected near ']' (a trailing comma: JSON has no ',' after the last element)"},
        {JSON, "", GPUARB_ERR_SYNTAX, 1, 1, "end of file"},
        /* the bad byte itself, worded as the YAML reader words it */
        {JSON, "{\"a\": \"\xff\"}", GPUARB_ERR_SYNTAX, 1, 8,
         "invalid UTF-8 sequence starting with byte 0xFF"},
        {JSON, "{\"a\": \"x\\u0000y\"}", GPUARB_ERR_INPUT, 1, 7, "NUL"},
        /* the string's syntax first: the bad byte after \u0000 */
        {JSON, "[\"\\u0000\xff\"]", GPUARB_ERR_SYNTAX, 1, 9, "byte 0xFF"},
        /* strings: at the backslash of the escape, the control character,
         * or the opening quote of a string never closed */
        {JSON, "{\"a\": \"x\\qy\"}", GPUARB_ERR_SYNTAX, 1, 9, "invalid escape '\\q'"},
        {JSON, "[\"\\u12G4\"]", GPUARB_ERR_SYNTAX, 1, 3, "four hexadecimal digits"},
        {JSON, "[\"\\uD800\"]", GPUARB_ERR_SYNTAX, 1, 3,
         "invalid Unicode escape '\\uD800': a high surrogate must be followed by a low one"},
        {JSON, "[\"\\uD800\\u0041\"]", GPUARB_ERR_SYNTAX, 1, 3, "a high surrogate"},
        {JSON, "[\"ok\", \"\\uDC00x\"]", GPUARB_ERR_SYNTAX, 1, 9,
         "'\\uDC00': a low surrogate with no high surrogate"},
        {JSON, "{\"a\": \"line\nbreak\"}", GPUARB_ERR_SYNTAX, 1, 12,
         "control character 0x0A in a string"},
        {JSON, "{\"a\": \"open", GPUARB_ERR_SYNTAX, 1, 7, "string not closed"},
        /* structure: what was expected, near what was found */
        {JSON, "{\"a\": 1, }", GPUARB_ERR_SYNTAX, 1, 10,
         "string expected near '}' (a trailing comma: JSON has no ',' after the last member)"},
        {JSON, "{\"a\" 1}", GPUARB_ERR_SYNTAX, 1, 6, "':' expected near '1'"},
        {JSON, "[1 2]", GPUARB_ERR_SYNTAX, 1, 4, "',' or ']' expected near '2'"},
        {JSON, "[1, \xff]", GPUARB_ERR_SYNTAX, 1, 5, "value expected near byte 0xFF"},
        {JSON, "[1", GPUARB_ERR_SYNTAX, 1, 3, "',' or ']' expected near end of file"},
        /* numbers: at their first byte */
        {JSON, "[-]", GPUARB_ERR_SYNTAX, 1, 2, "invalid number near '-': a digit must follow"},
        {JSON, "[1.]", GPUARB_ERR_SYNTAX, 1, 2, "invalid number near '1.': a digit must"},
        {JSON, "[1e+]", GPUARB_ERR_SYNTAX, 1, 2, "near '1e+': the exponent needs digits"},
    };
    EXPECT_ERRORS(f, json_cases);
    /* a NUL byte after a top-level number is not the end of the text
     * (jansson 2.14 took it for one; found by fuzz_spec) */
    ga_doc d;
    tu_assert_error(f->ctx, ga_doc_parse_json(f->ctx, "21\0", 3, "t.json", &d),
                    GPUARB_ERR_SYNTAX, 1, 3, "end of file expected near byte 0x00");
    assert_null(d.root);
    /* libyaml's messages, at its positions converted to bytes */
    static const doc_error yaml_cases[] = {
        {YAML, "a: 1\n\tb: 2\n", GPUARB_ERR_SYNTAX, 2, 1, "tab character"},
        {YAML, "\t- x\n", GPUARB_ERR_SYNTAX, 1, 1, "cannot start any token"},
        {YAML, "a: [1, 2\n", GPUARB_ERR_SYNTAX, 2, 1, "flow sequence"},
        {YAML, "a: b: c\n", GPUARB_ERR_SYNTAX, 1, 5, "mapping values are not allowed"},
        {YAML, "a: \"x\\0y\"\n", GPUARB_ERR_INPUT, 1, 4, "NUL"},
        {YAML, "k: \xc3\xa9 \xff\n", GPUARB_ERR_SYNTAX, 1, 7, "UTF-8"},
        {YAML, "a: 1\n\x01\n", GPUARB_ERR_SYNTAX, 2, 1, "control characters"},
    };
    EXPECT_ERRORS(f, yaml_cases);
}

static void byte_order_mark(void **state)
{
    fixture *f = *state;
    ga_doc d;
    /* The mark is not a column; CRLF ends lines like LF. */
    assert_int_equal(yaml(f, "\xef\xbb\xbf" "a: 1\r\nb: [x,\r\n  y]\r\n", &d), GPUARB_OK);
    assert_key_pos(d.root, 0, 1, 1);
    assert_pos(ga_doc_get(d.root, "a"), 1, 4);
    assert_pos(ga_doc_get(d.root, "b")->items[1], 3, 3);
    ga_doc_free(&d);
    /* The same for JSON (issue 14, finding 8: it was refused there). */
    assert_int_equal(json(f, "\xef\xbb\xbf{\"a\": [1,\r\n 2]}", &d), GPUARB_OK);
    assert_key_pos(d.root, 0, 1, 2);
    assert_pos(ga_doc_get(d.root, "a"), 1, 7);
    assert_pos(ga_doc_get(d.root, "a")->items[1], 2, 2);
    ga_doc_free(&d);
    /* only at the start: elsewhere it is not a value */
    expect_json_error(f, "[\xef\xbb\xbf" "1]", GPUARB_ERR_SYNTAX, 1, 2, "near byte 0xEF");
}

static void dispatch(void **state)
{
    fixture *f = *state;
    ga_doc d;
    /* '{' means JSON, so a YAML flow mapping there gets the JSON error */
    assert_int_equal(ga_doc_parse(f->ctx, "  {a: 1}", 8, "x", &d), GPUARB_ERR_SYNTAX);
    assert_int_equal(gpuarb_errcolumn(f->ctx), 4);
    assert_int_equal(ga_doc_parse(f->ctx, "\n{\"a\": 1}", 9, "x", &d), GPUARB_OK);
    assert_int_equal(ga_doc_get(d.root, "a")->line, 2);
    ga_doc_free(&d);
    assert_int_equal(ga_doc_parse(f->ctx, "a: 1", 4, "x", &d), GPUARB_OK);
    ga_doc_free(&d);
    /* text need not be NUL-terminated: only len bytes are read */
    assert_int_equal(ga_doc_parse(f->ctx, "a: 12345", 5, "x", &d), GPUARB_OK);
    assert_true(ga_doc_get(d.root, "a")->number == 12);
    ga_doc_free(&d);
    assert_int_equal(ga_doc_parse(f->ctx, "[1, 2]xyz", 6, "x", &d), GPUARB_OK);
    assert_int_equal(d.root->n, 2);
    ga_doc_free(&d);
}

/* Deterministic garbage: random bytes, and random splices of a valid
 * document.  Nothing may crash, leak (under ASan) or report OK-with-no-tree;
 * every failure must carry one of the documented statuses. */
static void check_any(fixture *f, const char *buf, size_t len)
{
    for (int which = 0; which < 3; which++) {
        ga_doc d;
        gpuarb_status st =
            which == 0   ? ga_doc_parse_yaml(f->ctx, buf, len, "g", &d)
            : which == 1 ? ga_doc_parse_json(f->ctx, buf, len, "g", &d)
                         : ga_doc_parse(f->ctx, buf, len, "g", &d);
        if (st == GPUARB_OK) {
            assert_non_null(d.root);
            ga_doc_free(&d);
            continue;
        }
        assert_null(d.root);
        if (st != GPUARB_ERR_SYNTAX && st != GPUARB_ERR_INPUT && st != GPUARB_ERR_LIMIT)
            fail_msg("status %s on garbage: %s", gpuarb_status_name(st), gpuarb_errmsg(f->ctx));
        assert_true(gpuarb_errline(f->ctx) >= 1);
        assert_true(gpuarb_errcolumn(f->ctx) >= 1);
    }
}

static void garbage_does_not_crash(void **state)
{
    fixture *f = *state;
    static const char seed_doc[] =
        "version: 1\nworkloads:\n  - {name: a, gpus: [1, \"x\"], t: !!str 1}\n"
        "# c\nz: {\"q\": [null, true, 0x1F, -.5e3]}\n";
    uint64_t s = 0x9E3779B97F4A7C15ull;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(tu_rng_next(&s) % sizeof buf);
        if (round % 2 == 0) {
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(tu_rng_next(&s) & 0xFF);
        } else {
            /* mutate a valid document: flip, insert structural bytes, cut */
            len = sizeof seed_doc - 1;
            memcpy(buf, seed_doc, len);
            static const char pool[] = "{}[]:,-&*!|>'\"\\#\n\t ?%@`\x80\xff";
            for (int k = 0; k < 4; k++)
                buf[tu_rng_next(&s) % len] = pool[tu_rng_next(&s) % (sizeof pool - 1)];
            len = (size_t)(tu_rng_next(&s) % (len + 1));
        }
        check_any(f, buf, len);
    }
}

/* ---- differential: our JSON decoder against jansson 2.14 ----
 * jansson (linked by the tests only) is an independent decoder of the same
 * grammar: on generated documents and on mutations of them, both must
 * accept or reject alike, agree on the kind of error (syntax, or input the
 * spec cannot hold: duplicate keys, numbers out of range, \u0000), and,
 * when both accept, give the same values, keys and key order.  The texts
 * hold no NUL byte (jansson 2.14 takes one after a top-level number for the
 * end of the text; see syntax_errors) and nest far less than 64 levels. */

typedef struct gen {
    uint64_t rng;
    char *buf;
    size_t n, cap;
} gen;

static unsigned gen_pick(gen *g, unsigned n)
{
    return (unsigned)(tu_rng_next(&g->rng) % n);
}

static void gen_put(gen *g, const char *s, size_t n)
{
    if (g->n + n + 1 > g->cap) {
        g->cap = (g->n + n + 1) * 2;
        char *b = realloc(g->buf, g->cap);
        assert_non_null(b);
        g->buf = b;
    }
    memcpy(g->buf + g->n, s, n);
    g->n += n;
}

static void gen_str(gen *g, const char *s)
{
    gen_put(g, s, strlen(s));
}

static void gen_ws(gen *g)
{
    static const char *const ws[] = {"", "", "", " ", "\n  ", "\t", "\r\n", " \n "};
    gen_str(g, ws[gen_pick(g, 8)]);
}

/* A string: plain text, every escape, \u for ASCII, BMP and surrogate
 * pairs, raw UTF-8, and now and then a lone surrogate, \u0000 or a bad
 * byte. */
static void gen_string(gen *g, int key)
{
    static const char *const piece[] = {
        "a", "gpu", "B 7", "x_y", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r",
        "\\t", "\\u0061", "\\u00e9", "\\u00E9", "\\u20AC", "\\uFFFF", "\\ud83d\\ude00",
        "\\uD834\\uDD1E", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "~",
        /* rare trouble */
        "\\uD800", "\\uDC00", "\\u0000", "\\x", "\xc0\x80", "\xed\xa0\x80", "\x01", "\\u12G4"};
    size_t npieces = sizeof piece / sizeof piece[0];
    gen_str(g, "\"");
    unsigned k = key ? gen_pick(g, 3) : gen_pick(g, 6);
    for (unsigned i = 0; i < k; i++) {
        unsigned which = gen_pick(g, 40) == 0 ? (unsigned)npieces - 8 + gen_pick(g, 8)
                                              : gen_pick(g, (unsigned)npieces - 8);
        gen_str(g, piece[which]);
    }
    gen_str(g, "\"");
}

static void gen_number(gen *g)
{
    static const char *const num[] = {
        "0", "-0", "7", "-12", "1000", "9007199254740993", "9223372036854775807",
        "-9223372036854775808", "0.5", "-0.0", "3.14159", "1e3", "1E+3", "2.5e-3",
        "1e308", "1.7976931348623157e308", "4.9e-324", "1e-400", "123456789012345678901e-5",
        "0.1000000000000000055511151231257827021181583404541015625",
        /* rare trouble */
        "9223372036854775808", "-9223372036854775809", "1e309", "-1.5e999", "01", "1.",
        "-", ".5", "1e", "+1", "0x10"};
    size_t n = sizeof num / sizeof num[0];
    unsigned which = gen_pick(g, 30) == 0 ? (unsigned)n - 11 + gen_pick(g, 11)
                                          : gen_pick(g, (unsigned)n - 11);
    gen_str(g, num[which]);
}

static void gen_value(gen *g, int depth)
{
    static const char *const keys[] = {"\"a\"", "\"b\"", "\"name\"", "\"\\u0061\"",
                                       "\"gpus\"", "\"\""};
    unsigned kind = gen_pick(g, depth >= 5 ? 4 : 7);
    switch (kind) {
    case 0: gen_string(g, 0); break;
    case 1: gen_number(g); break;
    case 2: {
        static const char *const w[] = {"true", "false", "null", "true", "false", "null",
                                        "null", "True", "nul", "nan"};
        gen_str(g, w[gen_pick(g, 30) == 0 ? 7 + gen_pick(g, 3) : gen_pick(g, 7)]);
        break;
    }
    case 3: gen_str(g, gen_pick(g, 2) ? "[]" : "{}"); break;
    case 4:
    case 5: {
        /* now and then a map past SMALL_MAP in doc_json.c (16 keys), whose
         * duplicates are found by hashing: keys k0..k399, which repeat in
         * about half of such maps */
        int big = gen_pick(g, 12) == 0;
        unsigned n = big ? 17 + gen_pick(g, 8) : gen_pick(g, 5);
        gen_str(g, "{");
        for (unsigned i = 0; i < n; i++) {
            gen_ws(g);
            /* keys: a small pool, so that duplicates (also escaped ones) occur */
            if (big) {
                char k[16];
                gen_put(g, k, (size_t)snprintf(k, sizeof k, "\"k%u\"", gen_pick(g, 400)));
            } else if (gen_pick(g, 3) == 0)
                gen_str(g, keys[gen_pick(g, 6)]);
            else
                gen_string(g, 1);
            gen_ws(g);
            gen_str(g, ":");
            gen_ws(g);
            gen_value(g, depth + 1);
            gen_ws(g);
            if (i + 1 < n)
                gen_str(g, ",");
        }
        gen_str(g, "}");
        break;
    }
    default: {
        unsigned n = gen_pick(g, 5);
        gen_str(g, "[");
        for (unsigned i = 0; i < n; i++) {
            gen_ws(g);
            gen_value(g, depth + 1);
            gen_ws(g);
            if (i + 1 < n)
                gen_str(g, ",");
        }
        gen_str(g, "]");
        break;
    }
    }
}

/* 1 when our tree holds jansson's value exactly. */
static int same_as_jansson(const ga_doc_node *a, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (a->kind != GA_DOC_MAP || a->n != json_object_size(v))
            return 0;
        size_t i = 0;
        for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it), i++) {
            const char *k = json_object_iter_key(it);
            if (strlen(a->keys[i]) != json_object_iter_key_len(it) || strcmp(a->keys[i], k) ||
                !same_as_jansson(a->items[i], json_object_iter_value(it)))
                return 0;
        }
        return 1;
    }
    case JSON_ARRAY:
        if (a->kind != GA_DOC_SEQ || a->n != json_array_size(v))
            return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!same_as_jansson(a->items[i], json_array_get(v, i)))
                return 0;
        return 1;
    case JSON_STRING:
        return a->kind == GA_DOC_STRING && strlen(a->str) == json_string_length(v) &&
               memcmp(a->str, json_string_value(v), json_string_length(v)) == 0;
    case JSON_INTEGER:
        return a->kind == GA_DOC_NUMBER && a->is_integer &&
               a->number == (double)json_integer_value(v);
    case JSON_REAL:
        return a->kind == GA_DOC_NUMBER && !a->is_integer &&
               memcmp(&a->number, &(double){json_real_value(v)}, sizeof(double)) == 0;
    case JSON_TRUE:
    case JSON_FALSE:
        return a->kind == GA_DOC_BOOL && !a->boolean == !json_is_true(v);
    case JSON_NULL:
        return a->kind == GA_DOC_NULL;
    }
    return 0;
}

/* Our status for what jansson reports. */
static gpuarb_status jansson_status(const json_error_t *e)
{
    switch (json_error_code(e)) {
    case json_error_duplicate_key:
    case json_error_numeric_overflow:
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return GPUARB_ERR_INPUT;
    default:
        return GPUARB_ERR_SYNTAX;
    }
}

/* The byte offset of a 1-based line and byte column in text (lines end as
 * ga_doc_pos ends them). */
static size_t offset_of(const char *t, size_t n, int32_t line, int32_t col)
{
    size_t i = 0;
    for (int32_t l = 1; l < line && i < n; i++)
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n')))
            l++;
    return i + (size_t)col - 1;
}

/* Both reject: the same kind of error.  Two exceptions, both from jansson's
 * lexer reading a token (and the byte after a number) before its parser
 * looks at them: a number out of range in a place where the grammar wants
 * something else is its first error where ours is the misplaced token, and
 * a byte that is not UTF-8 right after a number out of range is its first
 * error where ours is that number.  Then ours must lie before the byte
 * jansson stopped at. */
static int same_rejection(const json_error_t *e, gpuarb_status st, gpuarb_ctx *ctx,
                          const char *t, size_t n)
{
    if (jansson_status(e) == st)
        return 1;
    int lexical = (json_error_code(e) == json_error_numeric_overflow && st == GPUARB_ERR_SYNTAX) ||
                  (json_error_code(e) == json_error_invalid_utf8 && st == GPUARB_ERR_INPUT);
    return lexical &&
           offset_of(t, n, gpuarb_errline(ctx), gpuarb_errcolumn(ctx)) < (size_t)e->position;
}

static void json_matches_jansson(void **state)
{
    fixture *f = *state;
    static const char pool[] = "{}[]:,\"\\-+.eE0123456789tfnu \n\x80\xc3\xff";
    gen g = {0x243F6A8885A308D3ull, NULL, 0, 0};
    int accepted = 0, rejected = 0;
    for (int round = 0; round < 20000; round++) {
        g.n = 0;
        gen_ws(&g);
        gen_value(&g, 0);
        gen_ws(&g);
        if (round % 2) { /* mutate: replace, insert or delete bytes, or cut */
            for (unsigned k = 1 + gen_pick(&g, 3); k > 0 && g.n > 0; k--) {
                size_t at = gen_pick(&g, (unsigned)g.n);
                unsigned op = gen_pick(&g, 4);
                char c = pool[gen_pick(&g, sizeof pool - 1)];
                if (op == 0) {
                    g.buf[at] = c;
                } else if (op == 1) {
                    gen_put(&g, "", 0);
                    gen_put(&g, " ", 1);
                    memmove(g.buf + at + 1, g.buf + at, g.n - 1 - at);
                    g.buf[at] = c;
                } else if (op == 2) {
                    memmove(g.buf + at, g.buf + at + 1, g.n - at - 1);
                    g.n--;
                } else {
                    g.n = at;
                }
            }
        }
        json_error_t err;
        json_t *v = json_loadb(g.buf, g.n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
        ga_doc d;
        gpuarb_status st = ga_doc_parse_json(f->ctx, g.buf, g.n, "d.json", &d);
        if (!v != (st != GPUARB_OK) || (!v && !same_rejection(&err, st, f->ctx, g.buf, g.n)) ||
            (v && !same_as_jansson(d.root, v)))
            fail_msg("round %d: jansson %s (%s), ours %s (%s) on %zu bytes: %.*s", round,
                     v ? "accepts" : "rejects", v ? "" : err.text, gpuarb_status_name(st),
                     st ? gpuarb_errmsg(f->ctx) : "", g.n, (int)g.n, g.buf);
        if (v) {
            accepted++;
            json_decref(v);
            ga_doc_free(&d);
        } else {
            rejected++;
            assert_null(d.root);
            assert_true(gpuarb_errline(f->ctx) >= 1 && gpuarb_errcolumn(f->ctx) >= 1);
        }
    }
    free(g.buf);
    /* both verdicts were tried many times over */
    assert_true(accepted > 5000);
    assert_true(rejected > 5000);
}

/* tests/data/invalid/doc/<case>/ holds input.yaml or input.json and an
 * `expect` file: status name, line, column, message fragment. */
static gpuarb_status load_doc(gpuarb_ctx *ctx, const char *input, const char *text, size_t len,
                              int *made)
{
    (void)text;
    (void)len;
    char *buf;
    size_t n;
    assert_int_equal(ga_read_file(ctx, input, GA_DOC_MAX_BYTES + 1, &buf, &n), GPUARB_OK);
    size_t k = strlen(input);
    int is_json = k >= 5 && strcmp(input + k - 5, ".json") == 0;
    ga_doc d;
    gpuarb_status got = is_json ? ga_doc_parse_json(ctx, buf, n, input, &d)
                                : ga_doc_parse_yaml(ctx, buf, n, input, &d);
    free(buf);
    *made = got == GPUARB_OK;
    if (got == GPUARB_OK)
        ga_doc_free(&d);
    return got;
}

static void invalid_doc_cases(void **state)
{
    fixture *f = *state;
    static const char *const inputs[] = {"input.yaml", "input.json", NULL};
    const tu_invalid_kind kind = {"tests/data/invalid/doc", inputs, 20, load_doc, 0};
    tu_run_invalid(f->ctx, &kind);
}

/* ------------------------------------------------------------------ */
/* The reader of io/docread.h.  Each text is one line of JSON, so a column
 * is the byte offset + 1; positions are counted by hand in the comments. */

/* The error on the context must be exactly: status, line:col, path, msg. */
static void assert_err(fixture *f, gpuarb_status st, gpuarb_status want, int32_t line,
                       int32_t col, const char *path, const char *msg)
{
    tu_assert_error_exact(f->ctx, "docread", st, want, line, col, "t.json", path, msg);
}

/* A small schema: {name (required string), gpus: int 1..64, share: (0, 1)
 * with the upper end open, jobs: [the same mapping, ...]}. */
enum { J_NAME, J_GPUS, J_SHARE, J_JOBS };
static const ga_rd_field JOB_KEYS[] = {
    {"name", GA_RD_REQUIRED}, {"gpus", 0}, {"share", 0}, {"jobs", 0}, {NULL, 0}};

typedef struct job {
    const char *name;
    int32_t gpus;
    double share;
    int seen_gpus;
} job;

static gpuarb_status read_job(ga_rd *r, const ga_doc_node *n, job *j)
{
    static const ga_rd_range open_share = {0, 1, 1, 1, 1}; /* (0, 1) */
    ga_rd_map m;
    int k;
    const ga_doc_node *v;
    gpuarb_status st = ga_rd_map_begin(r, n, JOB_KEYS, "a mapping (one job)", &m);
    while (!st && !(st = ga_rd_map_next(r, &m, &k, &v)) && k >= 0) {
        switch (k) {
        case J_NAME: st = ga_rd_string(r, v, &j->name); break;
        case J_GPUS: st = ga_rd_int32(r, v, 1, 64, &j->gpus); j->seen_gpus = 1; break;
        case J_SHARE: st = ga_rd_number(r, v, &open_share, &j->share); break;
        case J_JOBS:
            if ((st = ga_rd_kind(r, v, GA_DOC_SEQ)))
                break;
            for (size_t i = 0; i < v->n && !st; i++) {
                job sub = {0};
                size_t mark = ga_rd_push_index(r, i);
                if (!(st = read_job(r, v->items[i], &sub)))
                    ga_rd_pop(r, mark);
            }
            break;
        }
    }
    return st;
}

static gpuarb_status check_job(fixture *f, const char *text, job *j)
{
    ga_doc d;
    assert_int_equal(ga_doc_parse_json(f->ctx, text, strlen(text), "t.json", &d), GPUARB_OK);
    ga_rd r;
    ga_rd_init(&r, f->ctx, d.source);
    memset(j, 0, sizeof *j);
    gpuarb_status st = read_job(&r, d.root, j);
    if (!st)
        assert_string_equal(r.path, ""); /* every push was popped */
    j->name = NULL; /* borrowed from d */
    ga_doc_free(&d);
    return st;
}

static void docread_walker(void **state)
{
    fixture *f = *state;
    job j;
    /* {"gpus": 2, "nmae": "x"}: "nmae" opens at column 13; one edit from name */
    assert_err(f, check_job(f, "{\"gpus\": 2, \"nmae\": \"x\"}", &j), GPUARB_ERR_INPUT, 1, 13,
               "nmae", "unknown key 'nmae'; did you mean 'name'?");
    /* far from every key: no hint */
    assert_err(f, check_job(f, "{\"colour\": 1}", &j), GPUARB_ERR_INPUT, 1, 2, "colour",
               "unknown key 'colour'");
    /* missing required key: at the mapping (1:1), the path names the key */
    assert_err(f, check_job(f, "{\"gpus\": 2}", &j), GPUARB_ERR_INPUT, 1, 1, "name",
               "missing required key 'name'");
    /* null is absent for optional keys ... */
    assert_int_equal(check_job(f, "{\"gpus\": null, \"name\": \"a\", \"share\": null}", &j),
                     GPUARB_OK);
    assert_int_equal(j.seen_gpus, 0);
    /* ... and a type error for a required one: the null at column 10 */
    assert_err(f, check_job(f, "{\"name\": null}", &j), GPUARB_ERR_INPUT, 1, 10, "name",
               "expected a string, found null");
    /* two bad values: the first in the text wins (share, column 11), not
     * the first in the key table (gpus) */
    assert_err(f, check_job(f, "{\"share\": 5, \"gpus\": 0, \"name\": \"a\"}", &j),
               GPUARB_ERR_INPUT, 1, 11, "share", "must be greater than 0 and less than 1, found 5");
    /* nested path; 1.5 at column 48 */
    assert_err(f, check_job(f, "{\"jobs\": [{\"name\": \"a\"}, {\"name\": \"b\", \"gpus\": 1.5}]}",
                            &j),
               GPUARB_ERR_INPUT, 1, 48, "jobs[1].gpus", "expected an integer, found 1.5");
    /* a nested missing key: at the inner mapping ('{' at column 11) */
    assert_err(f, check_job(f, "{\"jobs\": [{\"gpus\": 1}], \"name\": \"x\"}", &j),
               GPUARB_ERR_INPUT, 1, 11, "jobs[0].name", "missing required key 'name'");
    /* not a mapping: the caller's words */
    assert_err(f, check_job(f, "[1]", &j), GPUARB_ERR_INPUT, 1, 1, "",
               "expected a mapping (one job), found a list");
    assert_int_equal(check_job(f, "{\"name\": \"n\", \"gpus\": 64, \"share\": 0.25}", &j),
                     GPUARB_OK);
    assert_int_equal(j.gpus, 64);
    assert_true(j.share == 0.25);
}

/* Parse {"v": VALUE} and hand back the value; *d must be freed. */
static const ga_doc_node *value_of(fixture *f, const char *text, ga_doc *d, ga_rd *r)
{
    assert_int_equal(ga_doc_parse_json(f->ctx, text, strlen(text), "t.json", d), GPUARB_OK);
    ga_rd_init(r, f->ctx, d->source);
    ga_rd_push_key(r, "v");
    return ga_doc_get(d->root, "v");
}

static void docread_getters(void **state)
{
    fixture *f = *state;
    ga_doc d;
    ga_rd r;
    const ga_doc_node *v;
    int64_t i64 = 0;
    int32_t i32 = 0;
    double x = 0;
    /* every value below starts at column 7: {"v": VALUE} */
    v = value_of(f, "{\"v\": 0}", &d, &r);
    assert_err(f, ga_rd_int(&r, v, 1, 64, &i64), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be at least 1, found 0");
    assert_int_equal(ga_rd_int(&r, v, -3, 0, &i64), GPUARB_OK);
    assert_int_equal(i64, 0);
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": 65}", &d, &r);
    assert_err(f, ga_rd_int32(&r, v, 1, 64, &i32), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be at most 64, found 65");
    ga_doc_free(&d);
    /* INT64_MAX is read as the double 2^63, one past it: refused as too
     * big, never converted out of range */
    v = value_of(f, "{\"v\": 9223372036854775807}", &d, &r);
    assert_true(v->is_integer);
    assert_err(f, ga_rd_int(&r, v, 0, 100, &i64), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be at most 100, found 9223372036854775807");
    i64 = 5;
    assert_int_equal(ga_rd_int(&r, v, 0, INT64_MAX, &i64), GPUARB_ERR_INPUT);
    assert_int_equal(i64, 5);
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": true}", &d, &r);
    assert_err(f, ga_rd_int(&r, v, 0, 1, &i64), GPUARB_ERR_INPUT, 1, 7, "v",
               "expected an integer, found a boolean ('true')");
    assert_int_equal(ga_rd_bool(&r, v, &i32), GPUARB_OK);
    assert_int_equal(i32, 1);
    ga_doc_free(&d);

    /* number ranges: each end closed or open, an upper end or none */
    v = value_of(f, "{\"v\": 1}", &d, &r);
    assert_err(f, ga_rd_number(&r, v, GA_RD_AT_LEAST(2), &x), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be at least 2, found 1");
    assert_err(f, ga_rd_number(&r, v, GA_RD_ABOVE(1), &x), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be greater than 1, found 1");
    assert_int_equal(ga_rd_number(&r, v, GA_RD_CLOSED(0, 1), &x), GPUARB_OK);
    assert_true(x == 1);
    assert_err(f, ga_rd_number(&r, v, &(const ga_rd_range){0, 1, 0, 1, 1}, &x), GPUARB_ERR_INPUT,
               1, 7, "v", "must be at least 0 and less than 1, found 1");
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": 0}", &d, &r);
    assert_err(f, ga_rd_number(&r, v, GA_RD_ABOVE_UPTO(0, 86400), &x), GPUARB_ERR_INPUT, 1, 7,
               "v", "must be greater than 0 and at most 86400, found 0");
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": 1.5}", &d, &r);
    assert_err(f, ga_rd_number(&r, v, GA_RD_CLOSED(0, 1), &x), GPUARB_ERR_INPUT, 1, 7, "v",
               "must be at least 0 and at most 1, found 1.5");
    ga_doc_free(&d);
    /* no upper end means none: 1e308 is a value, not a sentinel */
    v = value_of(f, "{\"v\": 1e308}", &d, &r);
    assert_int_equal(ga_rd_number(&r, v, GA_RD_ABOVE(0), &x), GPUARB_OK);
    assert_true(x == 1e308);
    ga_doc_free(&d);
    /* a long string is cut at 40 bytes in the message */
    v = value_of(f, "{\"v\": \"0123456789012345678901234567890123456789xyz\"}", &d, &r);
    assert_err(f, ga_rd_number(&r, v, GA_RD_AT_LEAST(0), &x), GPUARB_ERR_INPUT, 1, 7, "v",
               "expected a number, found a string ('0123456789012345678901234567890123456789...')");
    ga_doc_free(&d);

    /* enums: a hint within two edits, none for a one-letter word */
    static const char *const MODES[] = {"fast", "slow", "auto", NULL};
    v = value_of(f, "{\"v\": \"slw\"}", &d, &r);
    assert_err(f, ga_rd_enum(&r, v, MODES, &i32), GPUARB_ERR_INPUT, 1, 7, "v",
               "'slw' is not one of fast, slow, auto; did you mean 'slow'?");
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": \"x\"}", &d, &r);
    assert_err(f, ga_rd_enum(&r, v, MODES, &i32), GPUARB_ERR_INPUT, 1, 7, "v",
               "'x' is not one of fast, slow, auto");
    assert_err(f, ga_rd_bool(&r, v, &i32), GPUARB_ERR_INPUT, 1, 7, "v",
               "expected true or false, found a string ('x')");
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": 3}", &d, &r);
    assert_err(f, ga_rd_enum(&r, v, MODES, &i32), GPUARB_ERR_INPUT, 1, 7, "v",
               "expected one of fast, slow, auto, found a number ('3')");
    assert_err(f, ga_rd_version(&r, v, 1), GPUARB_ERR_INPUT, 1, 7, "v",
               "unsupported spec version 3; this library reads version 1");
    assert_int_equal(ga_rd_version(&r, v, 3), GPUARB_OK);
    ga_doc_free(&d);
    v = value_of(f, "{\"v\": \"auto\"}", &d, &r);
    assert_int_equal(ga_rd_enum(&r, v, MODES, &i32), GPUARB_OK);
    assert_int_equal(i32, 2);
    ga_doc_free(&d);

    /* string lists: copies, and the count of copies made when one fails;
     * "" is at column 13: {"v": ["a", ""]} */
    char **list = NULL;
    size_t n = 0;
    v = value_of(f, "{\"v\": [\"a\", \"\", \"c\"]}", &d, &r);
    assert_err(f, ga_rd_strings(&r, v, &list, &n), GPUARB_ERR_INPUT, 1, 13, "v[1]",
               "must not be empty");
    assert_int_equal(n, 1);
    assert_string_equal(list[0], "a");
    free(list[0]);
    free(list);
    ga_doc_free(&d);
    list = NULL;
    n = 0;
    v = value_of(f, "{\"v\": []}", &d, &r);
    assert_int_equal(ga_rd_strings(&r, v, &list, &n), GPUARB_OK);
    assert_int_equal(n, 0);
    free(list);
    ga_doc_free(&d);
}

static void docread_paths(void **state)
{
    fixture *f = *state;
    ga_rd r;
    ga_rd_init(&r, f->ctx, "t.json");
    size_t a = ga_rd_push_key(&r, "workloads");
    size_t b = ga_rd_push_index(&r, 2);
    ga_rd_push_key(&r, "gpus");
    assert_string_equal(r.path, "workloads[2].gpus");
    ga_rd_pop(&r, b);
    assert_string_equal(r.path, "workloads");
    ga_rd_pop(&r, a);
    assert_string_equal(r.path, "");
    /* an over-long key is cut to GA_PATH_MAX - 1 bytes, never overflows */
    char key[400];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    ga_rd_push_key(&r, "top");
    ga_rd_push_key(&r, key);
    assert_int_equal(strlen(r.path), GA_PATH_MAX - 1);
    assert_int_equal(r.len, GA_PATH_MAX - 1);
    assert_memory_equal(r.path, "top.kkk", 7);
    ga_rd_push_index(&r, 7); /* nothing fits any more */
    assert_int_equal(strlen(r.path), GA_PATH_MAX - 1);
    /* a key table longer than the walker can track is a caller's bug */
    ga_rd_field big[GA_RD_MAX_FIELDS + 2];
    for (size_t i = 0; i < GA_RD_MAX_FIELDS + 1; i++)
        big[i] = (ga_rd_field){"k", 0};
    big[GA_RD_MAX_FIELDS + 1] = (ga_rd_field){NULL, 0};
    ga_doc d;
    assert_int_equal(ga_doc_parse_json(f->ctx, "{}", 2, "t.json", &d), GPUARB_OK);
    ga_rd_map m;
    assert_int_equal(ga_rd_map_begin(&r, d.root, big, NULL, &m), GPUARB_ERR_INTERNAL);
    ga_doc_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yaml_positions),
        cmocka_unit_test(json_positions),
        cmocka_unit_test(json_key_order),
        cmocka_unit_test(yaml_and_json_give_equal_trees),
        cmocka_unit_test(yaml_core_schema),
        cmocka_unit_test(not_finite_numbers),
        cmocka_unit_test(tags),
        cmocka_unit_test(anchors_and_aliases),
        cmocka_unit_test(duplicate_and_complex_keys),
        cmocka_unit_test(multi_document),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(size_and_node_limits),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(byte_order_mark),
        cmocka_unit_test(dispatch),
        cmocka_unit_test(garbage_does_not_crash),
        cmocka_unit_test(json_matches_jansson),
        cmocka_unit_test(invalid_doc_cases),
        cmocka_unit_test(docread_walker),
        cmocka_unit_test(docread_getters),
        cmocka_unit_test(docread_paths),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
