/*
 * Declarative JSON parsing: strict JSON text to json-c (reqparse.c), and
 * tables of {field, type, slot, required} that check a request's fields
 * (reqparse_fields.c).
 */
#ifndef MFAEMU_REQPARSE_H
#define MFAEMU_REQPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct json_object;
struct request;

#define REQPARSE_MAX_DEPTH 32

enum reqparse_type {
	RP_STRING,	/* slot: const char ** (borrowed from the object) */
	RP_OBJECT,	/* slot: struct json_object ** (borrowed) */
	RP_ARRAY,	/* slot: struct json_object ** (borrowed) */
	RP_BOOL,	/* slot: int *, 0 or 1 */
	/*
	 * slot: int64_t *; a JSON integer (INT64_MIN refused: json-c
	 * saturates to it) or an integral string
	 */
	RP_INT,
	RP_NUMBER,	/* slot: double *; a JSON number, integer or not */
};

/*
 * One row of a field table. Trailing columns left out are zero: an
 * optional field without a nested table, { "idToken", RP_STRING, &tok }.
 */
struct reqparse_field {
	const char *name;
	enum reqparse_type type;
	void *slot;
	/*
	 * Required: the error replied when the field is missing once every
	 * type is checked; ERR__NONE (0) for an optional field. A string is
	 * missing when its slot is NULL or "" (proto3: "" is unset), an
	 * object or array when its slot is NULL, so two names sharing a slot
	 * (aliases) are satisfied by either; a bool or int when its name is
	 * absent or null.
	 */
	enum err_code missing;
	const char *missing_detail;	/* the reply's detail, or NULL */
	/*
	 * RP_OBJECT: the table of its own fields, checked when it is
	 * present, with the prefix "name." in messages (NULL: not checked).
	 */
	const struct reqparse_field *sub;
	size_t nsub;
};

/*
 * Parse `len` bytes as one JSON value: strict syntax, valid UTF-8, nesting
 * up to REQPARSE_MAX_DEPTH, nothing but white space after it. Returns a new
 * object (caller owns; json null comes back as NULL with err "") or NULL
 * with the reason, including line and column, in err.
 */
struct json_object *reqparse_json(const char *buf, size_t len, char *err,
    size_t errlen);

/*
 * Parse an application/x-www-form-urlencoded body into an object of
 * strings (a repeated name keeps its last value). Returns a new object
 * (caller owns) or NULL with the reason in err (bad escape, invalid UTF-8).
 */
struct json_object *reqparse_form(const char *buf, size_t len, char *err,
    size_t errlen);

/*
 * Why the `len` bytes at buf are not a JSON object, worded as Google's
 * front end words it: "Invalid JSON payload received. Unexpected
 * token.\n<the line>\n<caret under the bad byte>", "... Root element must
 * be a message." for another top level.
 */
void reqparse_json_google_error(const char *buf, size_t len, char *out,
    size_t outlen);

/*
 * The length of the well-formed UTF-8 character at s (at most `left`
 * bytes): 1-4, or 0 for NUL, a byte that starts none, a sequence cut
 * short, an overlong form, a surrogate or a value past U+10FFFF.
 */
size_t reqparse_utf8_seq(const char *s, size_t left);

/* 1 when the `len` bytes at s are valid UTF-8 without NUL bytes. */
int reqparse_valid_utf8(const char *s, size_t len);

/* 1 when parsing succeeded but the document was the literal null. */
int reqparse_is_null_doc(const char *err);

/*
 * Check each field of `fields` present in `obj`, then of the nested tables
 * (`sub`) of the objects present, level by level in table order. Absent or
 * null fields leave their slot unchanged (proto3 JSON treats null as
 * unset). On a wrong type returns -1 and writes "Invalid value at
 * 'prefix.name' (TYPE_X)" into err. Then, every type being right, checks
 * the required fields in the same order: on one missing returns -1 and
 * writes its missing_detail, or "'prefix.name' is required", into err.
 * `prefix` may be NULL.
 */
int reqparse_fields(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *err, size_t errlen);

/*
 * The same, replying 400 INVALID_ARGUMENT on a wrong type, or the missing
 * field's error (with its missing_detail) when a required one is missing.
 */
int reqparse_fields_or_reply(struct request *req, struct json_object *obj,
    const char *prefix, const struct reqparse_field *fields, size_t n);

/*
 * Strict bodies (the control plane's): 0 when every member of `obj` is a
 * field of `fields`, and every member of the objects present that have a
 * nested table (`sub`) one of theirs; else -1 with "path: unknown field
 * (did you mean x?); the fields of prefix are a, b, c" in err.
 */
int reqparse_fields_known(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *err, size_t errlen);

/* The same against a list of `n` names. */
int reqparse_names_known(struct json_object *obj, const char *prefix,
    const char *const *names, size_t n, char *err, size_t errlen);

/*
 * The one of `n` names that `s` most likely misspells, for a "did you
 * mean" hint: equal but for case, a few letters off, its start
 * ("latency" of "latencyMs"), or its last dotted parts ("mfaSignIn.start"
 * of "accounts.mfaSignIn.start").
 * NULL when none is close.
 */
const char *reqparse_closest(const char *s, const char *const *names,
    size_t n);

/* 1 when a string slot is unset or empty (proto3: "" is unset). */
int reqparse_empty(const char *s);

/*
 * 1 when the array slot `list` (NULL: unset) holds the string `s`, as
 * deleteAttribute and deleteProvider name what to remove.
 */
int reqparse_array_holds(struct json_object *list, const char *s);

#endif
