/*
 * test_writer.c - the structured writer (lib/io/writer.c): hand-written
 * expected JSON (compact, spaced, pretty, layout hints) and YAML for small
 * documents; a round trip of awkward strings, nested empty containers and
 * big and small numbers through the project's own readers (ga_doc_parse,
 * YAML via libyaml, JSON via jansson), checked value by value against what
 * was written; misuse and out-of-memory latched as errors; the money
 * rounding on hand-computed values.
 */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"
#include "io/writer.h"

/* The small document of the expected-output tests:
 * {name: "gpu box", count: 3, price: 1.5, tags: [a, "true"], empty_map: {},
 *  empty_list: [], nested: [{k: 1, v: [1, 2]}, [], [x]], none: null, ok: true} */
static void small_doc(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_key(w, "name");
    ga_w_str(w, "gpu box");
    ga_w_key(w, "count");
    ga_w_int(w, 3);
    ga_w_key(w, "price");
    ga_w_num(w, 1.5);
    ga_w_key(w, "tags");
    ga_w_arr_begin(w);
    ga_w_str(w, "a");
    ga_w_str(w, "true");
    ga_w_arr_end(w);
    ga_w_key(w, "empty_map");
    ga_w_obj_begin(w);
    ga_w_obj_end(w);
    ga_w_key(w, "empty_list");
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_key(w, "nested");
    ga_w_arr_begin(w);
    ga_w_obj_begin(w);
    ga_w_key(w, "k");
    ga_w_int(w, 1);
    ga_w_key(w, "v");
    ga_w_arr_begin(w);
    ga_w_int(w, 1);
    ga_w_int(w, 2);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_arr_begin(w);
    ga_w_str(w, "x");
    ga_w_arr_end(w);
    ga_w_arr_end(w);
    ga_w_key(w, "none");
    ga_w_null(w);
    ga_w_key(w, "ok");
    ga_w_bool(w, 1);
    ga_w_obj_end(w);
}

/* Finishes w, which must succeed with exactly the text want. */
static void finish_is(fixture *f, ga_writer *w, const char *want)
{
    char *out = NULL;
    assert_int_equal(ga_w_finish(w, f->ctx, &out), GPUARB_OK);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

static void expect_text(fixture *f, ga_w_format fmt, int32_t flags, const char *want)
{
    ga_writer w;
    ga_w_init(&w, fmt, flags);
    small_doc(&w);
    finish_is(f, &w, want);
}

/* text with each line's leading spaces repeated `times` times (static
 * buffer): the same document at another indentation width. */
static const char *reindent(const char *text, int times)
{
    static char buf[4096];
    size_t n = 0;
    int at_start = 1;
    for (const char *p = text; *p; p++) {
        int copies = at_start && *p == ' ' ? times : 1;
        if (*p != ' ')
            at_start = *p == '\n';
        for (int k = 0; k < copies; k++) {
            assert_true(n + 1 < sizeof buf);
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
    return buf;
}

static void json_compact(void **state)
{
    expect_text(*state, GA_W_JSON, GA_W_COMPACT,
                "{\"name\":\"gpu box\",\"count\":3,\"price\":1.5,\"tags\":[\"a\",\"true\"],"
                "\"empty_map\":{},\"empty_list\":[],\"nested\":[{\"k\":1,\"v\":[1,2]},[],[\"x\"]],"
                "\"none\":null,\"ok\":true}\n");
}

static void json_spaced(void **state)
{
    expect_text(*state, GA_W_JSON, GA_W_SPACED,
                "{\"name\": \"gpu box\", \"count\": 3, \"price\": 1.5, \"tags\": [\"a\", \"true\"], "
                "\"empty_map\": {}, \"empty_list\": [], \"nested\": [{\"k\": 1, \"v\": [1, 2]}, [], "
                "[\"x\"]], \"none\": null, \"ok\": true}\n");
}

/* The small document pretty-printed, two spaces per level. */
static const char PRETTY2[] =
    "{\n"
    "  \"name\": \"gpu box\",\n"
    "  \"count\": 3,\n"
    "  \"price\": 1.5,\n"
    "  \"tags\": [\n"
    "    \"a\",\n"
    "    \"true\"\n"
    "  ],\n"
    "  \"empty_map\": {},\n"
    "  \"empty_list\": [],\n"
    "  \"nested\": [\n"
    "    {\n"
    "      \"k\": 1,\n"
    "      \"v\": [\n"
    "        1,\n"
    "        2\n"
    "      ]\n"
    "    },\n"
    "    [],\n"
    "    [\n"
    "      \"x\"\n"
    "    ]\n"
    "  ],\n"
    "  \"none\": null,\n"
    "  \"ok\": true\n"
    "}\n";

static void json_pretty(void **state)
{
    expect_text(*state, GA_W_JSON, GA_W_PRETTY, PRETTY2);
    /* four spaces per level: the same lines, each indent doubled */
    expect_text(*state, GA_W_JSON, GA_W_PRETTY | GA_W_INDENT(4), reindent(PRETTY2, 2));
}

static void yaml_block(void **state)
{
    expect_text(*state, GA_W_YAML, GA_W_COMPACT,
                "name: gpu box\n"
                "count: 3\n"
                "price: 1.5\n"
                "tags:\n"
                "  - a\n"
                "  - \"true\"\n"
                "empty_map: {}\n"
                "empty_list: []\n"
                "nested:\n"
                "  - k: 1\n"
                "    v:\n"
                "      - 1\n"
                "      - 2\n"
                "  - []\n"
                "  - - x\n"
                "none: null\n"
                "ok: true\n");
}

/* Layout hints: a one-line summary, then a broken-out list indented one
 * space per level, then an inline list; an inline map inside a pretty one. */
static void json_layout_hints(void **state)
{
    fixture *f = *state;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED | GA_W_INDENT(1));
    ga_w_obj_begin(&w);
    ga_w_key(&w, "a");
    ga_w_int(&w, 1);
    ga_w_break(&w);
    ga_w_key(&w, "rows");
    ga_w_arr_open(&w, GA_W_LINES);
    ga_w_obj_begin(&w);
    ga_w_key(&w, "x");
    ga_w_arr_begin(&w);
    ga_w_int(&w, 1);
    ga_w_int(&w, 2);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    ga_w_int(&w, 7);
    ga_w_arr_end(&w);
    ga_w_break(&w);
    ga_w_key(&w, "none");
    ga_w_arr_open(&w, GA_W_LINES);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    finish_is(f, &w, "{\"a\": 1,\n \"rows\": [\n  {\"x\": [1, 2]},\n  7\n ],\n \"none\": []}\n");

    ga_w_init(&w, GA_W_JSON, GA_W_PRETTY);
    ga_w_obj_begin(&w);
    ga_w_key(&w, "in");
    ga_w_obj_open(&w, GA_W_INLINE);
    ga_w_key(&w, "p");
    ga_w_str(&w, "q");
    ga_w_key(&w, "r");
    ga_w_arr_begin(&w); /* AUTO inside INLINE still follows the flags: lines */
    ga_w_int(&w, 0);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    ga_w_key(&w, "list");
    ga_w_arr_open(&w, GA_W_INLINE);
    ga_w_str(&w, NULL);
    ga_w_bool(&w, 0);
    ga_w_arr_end(&w);
    ga_w_obj_end(&w);
    finish_is(f, &w, "{\n  \"in\": {\"p\": \"q\", \"r\": [\n    0\n  ]},\n"
                     "  \"list\": [null, false]\n}\n");
}

/* Top-level scalars and the layout hints ignored by YAML. */
static void scalars_and_yaml_ignores_hints(void **state)
{
    fixture *f = *state;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_COMPACT);
    ga_w_str(&w, "q\"\\\n\t\x01");
    finish_is(f, &w, "\"q\\\"\\\\\\n\\t\\u0001\"\n");

    ga_w_init(&w, GA_W_YAML, GA_W_COMPACT);
    ga_w_int(&w, -12);
    finish_is(f, &w, "-12\n");

    ga_w_init(&w, GA_W_YAML, GA_W_PRETTY);
    ga_w_arr_open(&w, GA_W_INLINE);
    ga_w_obj_open(&w, GA_W_LINES);
    ga_w_key(&w, "a b");
    ga_w_str(&w, "");
    ga_w_break(&w);
    ga_w_key(&w, "yes");
    ga_w_obj_begin(&w);
    ga_w_key(&w, "c");
    ga_w_money(&w, 0.1 + 0.2);
    ga_w_obj_end(&w);
    ga_w_obj_end(&w);
    ga_w_arr_end(&w);
    finish_is(f, &w, "- a b: \"\"\n"
                     "  \"yes\":\n"
                     "    c: 0.3\n");
}

static void numbers(void **state)
{
    fixture *f = *state;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_COMPACT);
    ga_w_arr_begin(&w);
    ga_w_num(&w, 0.0);
    ga_w_num(&w, -0.0);
    ga_w_num(&w, NAN);
    ga_w_num(&w, INFINITY);
    ga_w_num(&w, -2.0);
    ga_w_num(&w, 0.1);
    ga_w_num(&w, 1e300);
    ga_w_num(&w, 1e-12);
    ga_w_num(&w, 0.000001);
    ga_w_int(&w, INT64_MAX);
    ga_w_int(&w, INT64_MIN);
    ga_w_arr_end(&w);
    finish_is(f, &w, "[0.0,0.0,0.0,0.0,-2.0,0.1,1e+300,1e-12,0.000001,"
                     "9223372036854775807,-9223372036854775808]\n");
}

/* 58.57231594936709 * 1e6 = 58572315.949... -> 58572316; 7.5e-7 -> 1e-6;
 * 2.5e-7 -> 0; 0.1 + 0.2 (0.30000000000000004) -> 0.3. */
static void money_rounding(void **state)
{
    fixture *f = *state;
    assert_true(ga_money_round(58.57231594936709) == 58.572316);
    assert_true(ga_money_round(7.5e-7) == 0.000001);
    assert_true(ga_money_round(2.5e-7) == 0.0);
    assert_true(ga_money_round(0.1 + 0.2) == 0.3);
    assert_true(ga_money_round(4401.206748354431) == 4401.206748);
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, GA_W_SPACED);
    ga_w_arr_begin(&w);
    ga_w_money(&w, 58.57231594936709);
    ga_w_money(&w, 12.3400000001);
    ga_w_money_or_null(&w, 0, 5);
    ga_w_num_or_null(&w, 1, 0.5);
    ga_w_int_or_null(&w, 0, 5);
    ga_w_arr_end(&w);
    finish_is(f, &w, "[58.572316, 12.34, null, 0.5, null]\n");
}

/* ---- round trip through the project's readers ---- */

static const char *const AWKWARD[] = {
    "", " ", " lead", "trail ", "plain", "key with spaces", "a: b", "a:b", "a:", ":", "a #b",
    "a#b", "#x", "-", "- x", "-x", "--", "---", "...", "?", "? x", ",", "a,b", "[a]", "{b}",
    "]", "}", "*alias", "&anchor", "!tag", "!!str", "|lit", ">fold", "%dir", "@at", "`bt",
    "'single'", "\"double\"", "it's", "say \"hi\"", "back\\slash", "true", "True", "FALSE",
    "false", "yes", "No", "on", "OFF", "y", "N", "null", "Null", "NULL", "~", "123", "-1.5",
    "+7", "1e3", ".5", "5.", ".inf", "-.Inf", ".nan", "0x1F", "0o17", "1_000", "2026-05-20",
    "12:30", "line\nbreak", "\n", "trailing\n", "tab\tx", "\t", "cr\rx", "ctl\x01\x02\x1f",
    "del\x7fx", "ünïcödé ✓ 漢字", "nel\xc2\x85x", "ls\xe2\x80\xa8x", "ps\xe2\x80\xa9x",
    "c1\xc2\x80\xc2\x9fx", "<<", "=", "a  b", "x: ", "emoji \xf0\x9f\x9a\x80",
};
#define N_AWKWARD (sizeof AWKWARD / sizeof AWKWARD[0])

static const double NUMS[] = {0.0, 1.0, -1.0, 0.1, -0.25, 3.141592653589793, 1e15, 1e16,
                              123456789012345678.0, 1e300, -1e300, DBL_MAX, 1e-9, 2.5e-10,
                              1e-300, 5e-324, DBL_MIN, 12345.678, 0.30000000000000004,
                              1.0 / 3.0, 9007199254740993.0};
#define N_NUMS (sizeof NUMS / sizeof NUMS[0])

static const int64_t INTS[] = {0, -42, 2147483648LL, 9007199254740992LL};
#define N_INTS (sizeof INTS / sizeof INTS[0])

/* 3000 characters, past libyaml's 1024-character limit for implicit keys. */
static const char *long_key(void)
{
    static char key[3001];
    if (!key[0]) {
        for (int i = 0; i < 3000; i++)
            key[i] = (char)('a' + i % 26);
        key[1500] = ' ';
    }
    return key;
}

/* {"strings": [...], "keys": {s: i, ...}, "numbers": [...], "ints": [...],
 *  "empty": {"m": {}, "l": [], "deep": [[[]], [{}], {"x": {"y": []}}]},
 *  "long": [{LONG: LONG, "after": {LONG: [1]}}], "flags": [true, false, null]} */
static void write_round_trip_doc(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_key(w, "strings");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < N_AWKWARD; i++)
        ga_w_str(w, AWKWARD[i]);
    ga_w_arr_end(w);
    ga_w_key(w, "keys");
    ga_w_obj_begin(w);
    for (size_t i = 0; i < N_AWKWARD; i++) {
        ga_w_key(w, AWKWARD[i]);
        ga_w_int(w, (int64_t)i);
    }
    ga_w_obj_end(w);
    ga_w_key(w, "numbers");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < N_NUMS; i++)
        ga_w_num(w, NUMS[i]);
    ga_w_arr_end(w);
    ga_w_key(w, "ints");
    ga_w_arr_begin(w);
    for (size_t i = 0; i < N_INTS; i++)
        ga_w_int(w, INTS[i]);
    ga_w_arr_end(w);
    ga_w_key(w, "empty");
    ga_w_obj_begin(w);
    ga_w_key(w, "m");
    ga_w_obj_begin(w);
    ga_w_obj_end(w);
    ga_w_key(w, "l");
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_key(w, "deep");
    ga_w_arr_begin(w);
    ga_w_arr_begin(w);
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_arr_end(w);
    ga_w_arr_begin(w);
    ga_w_obj_begin(w);
    ga_w_obj_end(w);
    ga_w_arr_end(w);
    ga_w_obj_begin(w);
    ga_w_key(w, "x");
    ga_w_obj_begin(w);
    ga_w_key(w, "y");
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_key(w, "long");
    ga_w_arr_begin(w);
    ga_w_obj_begin(w);
    ga_w_key(w, long_key());
    ga_w_str(w, long_key());
    ga_w_key(w, "after");
    ga_w_obj_begin(w);
    ga_w_key(w, long_key());
    ga_w_arr_begin(w);
    ga_w_int(w, 1);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
    ga_w_obj_end(w);
    ga_w_arr_end(w);
    ga_w_key(w, "flags");
    ga_w_arr_begin(w);
    ga_w_bool(w, 1);
    ga_w_bool(w, 0);
    ga_w_null(w);
    ga_w_arr_end(w);
    ga_w_obj_end(w);
}

static const ga_doc_node *get(const ga_doc_node *map, const char *key, ga_doc_kind kind)
{
    assert_non_null(map);
    assert_int_equal(map->kind, GA_DOC_MAP);
    const ga_doc_node *n = ga_doc_get(map, key);
    assert_non_null(n);
    assert_int_equal(n->kind, kind);
    return n;
}

/* Every value read back equals the value written. */
static void check_round_trip(const ga_doc_node *root)
{
    const ga_doc_node *s = get(root, "strings", GA_DOC_SEQ);
    assert_int_equal(s->n, N_AWKWARD);
    for (size_t i = 0; i < N_AWKWARD; i++) {
        if (s->items[i]->kind != GA_DOC_STRING || strcmp(s->items[i]->str, AWKWARD[i]))
            fail_msg("string %zu \"%s\" came back as kind %d \"%s\"", i, AWKWARD[i],
                     (int)s->items[i]->kind, s->items[i]->str ? s->items[i]->str : "");
    }
    const ga_doc_node *k = get(root, "keys", GA_DOC_MAP);
    assert_int_equal(k->n, N_AWKWARD);
    for (size_t i = 0; i < N_AWKWARD; i++) {
        if (strcmp(k->keys[i], AWKWARD[i]))
            fail_msg("key %zu \"%s\" came back as \"%s\"", i, AWKWARD[i], k->keys[i]);
        assert_int_equal(k->items[i]->kind, GA_DOC_NUMBER);
        assert_true(k->items[i]->number == (double)i);
    }
    const ga_doc_node *nums = get(root, "numbers", GA_DOC_SEQ);
    assert_int_equal(nums->n, N_NUMS);
    for (size_t i = 0; i < N_NUMS; i++) {
        assert_int_equal(nums->items[i]->kind, GA_DOC_NUMBER);
        if (nums->items[i]->number != NUMS[i])
            fail_msg("number %zu %.17g came back as %.17g", i, NUMS[i], nums->items[i]->number);
    }
    const ga_doc_node *ints = get(root, "ints", GA_DOC_SEQ);
    assert_int_equal(ints->n, N_INTS);
    for (size_t i = 0; i < N_INTS; i++) {
        assert_int_equal(ints->items[i]->kind, GA_DOC_NUMBER);
        assert_true(ints->items[i]->is_integer);
        assert_true(ints->items[i]->number == (double)INTS[i]);
    }
    const ga_doc_node *e = get(root, "empty", GA_DOC_MAP);
    assert_int_equal(get(e, "m", GA_DOC_MAP)->n, 0);
    assert_int_equal(get(e, "l", GA_DOC_SEQ)->n, 0);
    const ga_doc_node *deep = get(e, "deep", GA_DOC_SEQ);
    assert_int_equal(deep->n, 3);
    assert_int_equal(deep->items[0]->kind, GA_DOC_SEQ);
    assert_int_equal(deep->items[0]->n, 1);
    assert_int_equal(deep->items[0]->items[0]->kind, GA_DOC_SEQ);
    assert_int_equal(deep->items[0]->items[0]->n, 0);
    assert_int_equal(deep->items[1]->kind, GA_DOC_SEQ);
    assert_int_equal(deep->items[1]->n, 1);
    assert_int_equal(deep->items[1]->items[0]->kind, GA_DOC_MAP);
    assert_int_equal(deep->items[1]->items[0]->n, 0);
    const ga_doc_node *x = get(deep->items[2], "x", GA_DOC_MAP);
    assert_int_equal(get(x, "y", GA_DOC_SEQ)->n, 0);
    const ga_doc_node *lg = get(root, "long", GA_DOC_SEQ);
    assert_int_equal(lg->n, 1);
    assert_int_equal(lg->items[0]->kind, GA_DOC_MAP);
    assert_int_equal(lg->items[0]->n, 2);
    assert_string_equal(lg->items[0]->keys[0], long_key());
    assert_string_equal(get(lg->items[0], long_key(), GA_DOC_STRING)->str, long_key());
    const ga_doc_node *after = get(lg->items[0], "after", GA_DOC_MAP);
    const ga_doc_node *one = get(after, long_key(), GA_DOC_SEQ);
    assert_int_equal(one->n, 1);
    assert_true(one->items[0]->number == 1.0);
    const ga_doc_node *fl = get(root, "flags", GA_DOC_SEQ);
    assert_int_equal(fl->n, 3);
    assert_int_equal(fl->items[0]->kind, GA_DOC_BOOL);
    assert_int_equal(fl->items[0]->boolean, 1);
    assert_int_equal(fl->items[1]->kind, GA_DOC_BOOL);
    assert_int_equal(fl->items[1]->boolean, 0);
    assert_int_equal(fl->items[2]->kind, GA_DOC_NULL);
}

static void round_trip(void **state)
{
    fixture *f = *state;
    static const struct {
        ga_w_format fmt;
        int32_t flags;
    } CASES[] = {{GA_W_YAML, 0}, {GA_W_JSON, GA_W_COMPACT}, {GA_W_JSON, GA_W_SPACED},
                 {GA_W_JSON, GA_W_PRETTY}};
    ga_doc docs[4];
    for (size_t c = 0; c < 4; c++) {
        ga_writer w;
        ga_w_init(&w, CASES[c].fmt, CASES[c].flags);
        write_round_trip_doc(&w);
        char *out = NULL;
        assert_int_equal(ga_w_finish(&w, f->ctx, &out), GPUARB_OK);
        gpuarb_status st = CASES[c].fmt == GA_W_YAML
                               ? ga_doc_parse_yaml(f->ctx, out, strlen(out), "w.yaml", &docs[c])
                               : ga_doc_parse_json(f->ctx, out, strlen(out), "w.json", &docs[c]);
        if (st != GPUARB_OK)
            fail_msg("case %zu does not parse: %s\n%s", c, gpuarb_errmsg(f->ctx), out);
        free(out);
        check_round_trip(docs[c].root);
    }
    /* and the YAML and JSON trees hold the same data */
    for (size_t c = 1; c < 4; c++)
        assert_true(ga_doc_equal(docs[0].root, docs[c].root));
    for (size_t c = 0; c < 4; c++)
        ga_doc_free(&docs[c]);
}

/* ---- errors ---- */

typedef void (*misuse_fn)(ga_writer *w);

static void m_value_without_key(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_int(w, 1);
    ga_w_obj_end(w);
}
static void m_key_in_array(ga_writer *w)
{
    ga_w_arr_begin(w);
    ga_w_key(w, "k");
    ga_w_int(w, 1);
    ga_w_arr_end(w);
}
static void m_key_at_top(ga_writer *w)
{
    ga_w_key(w, "k");
    ga_w_int(w, 1);
}
static void m_two_keys(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_key(w, "a");
    ga_w_key(w, "b");
    ga_w_int(w, 1);
    ga_w_obj_end(w);
}
static void m_key_then_end(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_key(w, "a");
    ga_w_obj_end(w);
}
static void m_wrong_end(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_arr_end(w);
}
static void m_end_at_top(ga_writer *w)
{
    ga_w_arr_begin(w);
    ga_w_arr_end(w);
    ga_w_arr_end(w);
}
static void m_left_open(ga_writer *w)
{
    ga_w_arr_begin(w);
    ga_w_int(w, 1);
}
static void m_two_top_values(ga_writer *w)
{
    ga_w_int(w, 1);
    ga_w_int(w, 2);
}
static void m_nothing(ga_writer *w)
{
    (void)w;
}
static void m_null_key(ga_writer *w)
{
    ga_w_obj_begin(w);
    ga_w_key(w, NULL);
    ga_w_int(w, 1);
    ga_w_obj_end(w);
}

static void misuse_latched(void **state)
{
    fixture *f = *state;
    static const struct {
        misuse_fn fn;
        const char *fragment;
    } CASES[] = {
        {m_value_without_key, "without a key"}, {m_key_in_array, "outside an object"},
        {m_key_at_top, "outside an object"},    {m_two_keys, "two keys"},
        {m_key_then_end, "without its value"},  {m_wrong_end, "does not match"},
        {m_end_at_top, "does not match"},       {m_left_open, "left open"},
        {m_two_top_values, "second top-level"}, {m_nothing, "empty document"},
        {m_null_key, "NULL key"},
    };
    for (int fmt = 0; fmt < 2; fmt++) {
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
            ga_writer w;
            ga_w_init(&w, (ga_w_format)fmt, GA_W_SPACED);
            CASES[i].fn(&w);
            /* later valid calls change nothing: the first error stays */
            if (CASES[i].fn != m_nothing) {
                ga_w_obj_begin(&w);
                ga_w_obj_end(&w);
            }
            char *out = (char *)"sentinel";
            assert_int_equal(ga_w_finish(&w, f->ctx, &out), GPUARB_ERR_INTERNAL);
            assert_null(out);
            assert_int_equal(gpuarb_errcode(f->ctx), GPUARB_ERR_INTERNAL);
            if (!strstr(gpuarb_errmsg(f->ctx), CASES[i].fragment))
                fail_msg("case %zu: message '%s' lacks '%s'", i, gpuarb_errmsg(f->ctx),
                         CASES[i].fragment);
        }
    }
}

static void too_deep(void **state)
{
    fixture *f = *state;
    ga_writer w;
    ga_w_init(&w, GA_W_YAML, 0);
    for (int i = 0; i < GA_W_MAX_DEPTH + 1; i++)
        ga_w_arr_begin(&w);
    for (int i = 0; i < GA_W_MAX_DEPTH + 1; i++)
        ga_w_arr_end(&w);
    char *out = NULL;
    assert_int_equal(ga_w_finish(&w, f->ctx, &out), GPUARB_ERR_LIMIT);
    assert_null(out);
    /* exactly the limit is fine */
    ga_w_init(&w, GA_W_JSON, 0);
    for (int i = 0; i < GA_W_MAX_DEPTH; i++)
        ga_w_arr_begin(&w);
    for (int i = 0; i < GA_W_MAX_DEPTH; i++)
        ga_w_arr_end(&w);
    assert_int_equal(ga_w_finish(&w, f->ctx, &out), GPUARB_OK);
    assert_int_equal(strlen(out), 2 * GA_W_MAX_DEPTH + 1);
    free(out);
}

/* An append that fails marks the buffer out of memory (ga_strbuf's
 * contract); the writer must latch it, write nothing more, free what it
 * holds and report GPUARB_ERR_NOMEM once at the end. */
static void out_of_memory_latched(void **state)
{
    fixture *f = *state;
    for (int fmt = 0; fmt < 2; fmt++) {
        ga_writer w;
        ga_w_init(&w, (ga_w_format)fmt, GA_W_PRETTY);
        ga_w_obj_begin(&w);
        ga_w_key(&w, "a");
        ga_w_int(&w, 1);
        w.b.oom = 1; /* the next growth failed */
        size_t len = w.b.len;
        ga_w_key(&w, "b");
        ga_w_str(&w, "more text that would need room");
        ga_w_obj_end(&w);
        assert_int_equal(w.b.len, len);
        char *out = (char *)"sentinel";
        assert_int_equal(ga_w_finish(&w, f->ctx, &out), GPUARB_ERR_NOMEM);
        assert_null(out);
        assert_int_equal(gpuarb_errcode(f->ctx), GPUARB_ERR_NOMEM);
        assert_null(w.b.s); /* freed by finish */
    }
    /* discard frees a half-written document */
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, 0);
    ga_w_arr_begin(&w);
    ga_w_str(&w, "x");
    ga_w_discard(&w);
    assert_null(w.b.s);
    assert_int_equal(w.depth, 0);
}

/* Output is UTF-8 whatever the strings hold: a byte that does not begin a
 * well-formed character (a file name from the command line, a caller's
 * string) becomes U+FFFD (EF BF BD); well-formed text passes unchanged. */
static void strings_are_written_as_utf8(void **state)
{
    fixture *f = *state;
    ga_writer w;
    ga_w_init(&w, GA_W_JSON, 0);
    ga_w_arr_begin(&w);
    ga_w_str(&w, "caf\xC3\xA9 \xE6\x97\xA5");         /* kept */
    ga_w_str(&w, "a\xFF" "b");                        /* one bad byte */
    ga_w_str(&w, "\xC0\xAF");                          /* overlong: two bad bytes */
    ga_w_str(&w, "\xED\xA0\x80x");                     /* surrogate: three */
    ga_w_str(&w, "\xE2\x82");                          /* cut short */
    ga_w_arr_end(&w);
    finish_is(f, &w,
              "[\"caf\xC3\xA9 \xE6\x97\xA5\",\"a\xEF\xBF\xBD" "b\","
              "\"\xEF\xBF\xBD\xEF\xBF\xBD\",\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\","
              "\"\xEF\xBF\xBD\xEF\xBF\xBD\"]\n");
    /* YAML: a plain scalar with a bad byte is quoted, then replaced */
    ga_w_init(&w, GA_W_YAML, 0);
    ga_w_obj_begin(&w);
    ga_w_kv_str(&w, "k", "x\xFF");
    ga_w_obj_end(&w);
    finish_is(f, &w, "k: \"x\xEF\xBF\xBD\"\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_compact),
        cmocka_unit_test(strings_are_written_as_utf8),
        cmocka_unit_test(json_spaced),
        cmocka_unit_test(json_pretty),
        cmocka_unit_test(yaml_block),
        cmocka_unit_test(json_layout_hints),
        cmocka_unit_test(scalars_and_yaml_ignores_hints),
        cmocka_unit_test(numbers),
        cmocka_unit_test(money_rounding),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(misuse_latched),
        cmocka_unit_test(too_deep),
        cmocka_unit_test(out_of_memory_latched),
    };
    return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
