/*
 * The error table (errors.def) as an enum and its lookups. No HTTP here:
 * reply.c turns a code into the wire envelope.
 */
#ifndef MFAEMU_ERRORS_H
#define MFAEMU_ERRORS_H

enum err_code {
	/*
	 * No error. Zero, so that a zeroed field or result means "none"
	 * (an optional reqparse field, a function that succeeded).
	 */
	ERR__NONE,
#define ERR(code, http, status, reason, message) ERR_##code,
#include "errors.def"
#undef ERR
	ERR__COUNT
};

/*
 * The message column of errors.def: NULL, one of these two markers, or
 * Google's fixed message written out in full.
 */
#define ERR_DETAIL "\001detail"	/* "CODE : <the reply's detail>" */
#define ERR_SENTENCE "\001sentence"	/* "<the reply's detail>" alone */

/* What error.message is made of, from the row's message column. */
enum err_form {
	ERR_FORM_CODE,		/* NULL: the bare CODE */
	ERR_FORM_FIXED,		/* Google's fixed text, as written */
	ERR_FORM_DETAIL,	/* ERR_DETAIL */
	ERR_FORM_SENTENCE,	/* ERR_SENTENCE */
};

struct err_info {
	const char *code;	/* "INVALID_CODE" */
	unsigned http_status;	/* 400 */
	const char *status;	/* "INVALID_ARGUMENT" */
	const char *reason;	/* "invalid" */
	const char *message;	/* see above */
};

/*
 * The row of `code`; ERR__NONE and values outside the table give
 * INTERNAL_ERROR's row, since replying with them is a bug. Never NULL.
 */
const struct err_info *errors_info(enum err_code code);

/* How the row builds error.message. */
enum err_form errors_form(const struct err_info *e);

/* The code named `name` ("QUOTA_EXCEEDED"); 0, or -1 if unknown. */
int errors_lookup(const char *name, enum err_code *out);

#endif
