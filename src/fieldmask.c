/*
 * Google's partial-response field masks. Grammar, as the front end takes
 * it (https://developers.google.com/drive/api/guides/fields-parameter):
 *   list := item ("," item)*
 *   item := name (("/" | ".") name)* ["(" list ")"]
 *   name := [A-Za-z0-9_]+ | "*"
 * A path names a field; "a(b,c)" is "a/b,a/c"; "*" is every field of its
 * level. Names the reply does not carry select nothing (mfaemu knows its
 * replies, not every field of Google's schemas, so it cannot tell a
 * misspelt name from an absent one).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fieldmask.h"

#define FIELDMASK_MAX_DEPTH 16

/* One name of the mask; a node without children selects its field whole. */
struct fieldmask {
	char *name;			/* NULL for the root */
	bool whole;
	struct fieldmask *children;
	struct fieldmask *next;
};

struct fm_parser {
	const char *p;
	const char *err;
	int depth;
};

void
fieldmask_free(struct fieldmask *m)
{
	while (m != NULL) {
		struct fieldmask *next = m->next;

		fieldmask_free(m->children);
		free(m->name);
		free(m);
		m = next;
	}
}

static struct fieldmask *
child(struct fieldmask *parent, const char *name, size_t len)
{
	struct fieldmask *c;

	for (c = parent->children; c != NULL; c = c->next) {
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strndup(name, len)) == NULL) {
		free(c);
		return NULL;
	}
	c->next = parent->children;
	parent->children = c;
	return c;
}

static size_t
name_len(const char *p)
{
	size_t n = 0;

	if (*p == '*')
		return 1;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	return n;
}

static int parse_list(struct fm_parser *ps, struct fieldmask *parent);

/* One item into `parent`: a path, then maybe a parenthesised list. */
static int
parse_item(struct fm_parser *ps, struct fieldmask *parent)
{
	struct fieldmask *node = parent;
	size_t n;

	for (;;) {
		if ((n = name_len(ps->p)) == 0) {
			ps->err = "a field name was expected";
			return -1;
		}
		if ((node = child(node, ps->p, n)) == NULL) {
			ps->err = "out of memory";
			return -1;
		}
		ps->p += n;
		if (*ps->p != '/' && *ps->p != '.')
			break;
		ps->p++;
	}
	if (*ps->p != '(') {
		/* A field selected whole: what was inside it no longer counts. */
		fieldmask_free(node->children);
		node->children = NULL;
		node->whole = true;
		return 0;
	}
	if (++ps->depth > FIELDMASK_MAX_DEPTH) {
		ps->err = "nested too deep";
		return -1;
	}
	ps->p++;
	if (parse_list(ps, node) != 0)
		return -1;
	if (*ps->p != ')') {
		ps->err = "a ')' was expected";
		return -1;
	}
	ps->p++;
	ps->depth--;
	return 0;
}

static int
parse_list(struct fm_parser *ps, struct fieldmask *parent)
{
	if (parse_item(ps, parent) != 0)
		return -1;
	while (*ps->p == ',') {
		ps->p++;
		if (parse_item(ps, parent) != 0)
			return -1;
	}
	return 0;
}

struct fieldmask *
fieldmask_parse(const char *text, char *err, size_t errlen)
{
	struct fm_parser ps = { text, NULL, 0 };
	struct fieldmask *root;

	err[0] = '\0';
	if (*text == '\0')
		return NULL;
	if ((root = calloc(1, sizeof(*root))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_list(&ps, root) != 0 || *ps.p != '\0') {
		snprintf(err, errlen, "%s at character %zu", ps.err != NULL ?
		    ps.err : "unexpected character", (size_t)(ps.p - text) + 1);
		fieldmask_free(root);
		return NULL;
	}
	return root;
}

/* The mask node for member `key`: its own name first, else "*". */
static const struct fieldmask *
match(const struct fieldmask *m, const char *key)
{
	const struct fieldmask *star = NULL;

	for (const struct fieldmask *c = m->children; c != NULL; c = c->next) {
		if (strcmp(c->name, key) == 0)
			return c;
		if (strcmp(c->name, "*") == 0)
			star = c;
	}
	return star;
}

static void
apply_value(const struct fieldmask *m, struct json_object *v)
{
	if (m->whole)
		return;
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			apply_value(m, json_object_array_get_idx(v, i));
		return;
	}
	if (json_object_is_type(v, json_type_object))
		fieldmask_apply(m, v);
}

void
fieldmask_apply(const struct fieldmask *m, struct json_object *obj)
{
	const char *drop[64];
	size_t ndrop;

	if (m == NULL || !json_object_is_type(obj, json_type_object))
		return;
	do {
		/* Deleting while iterating is not allowed: batches of keys. */
		ndrop = 0;
		json_object_object_foreach(obj, key, val) {
			const struct fieldmask *c = match(m, key);

			if (c == NULL) {
				if (ndrop < 64)
					drop[ndrop++] = key;
				continue;
			}
			apply_value(c, val);
		}
		for (size_t i = 0; i < ndrop; i++)
			json_object_object_del(obj, drop[i]);
	} while (ndrop == 64);
}
