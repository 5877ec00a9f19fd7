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

struct err_info {
	const char *code;	/* "INVALID_CODE" */
	unsigned http_status;	/* 400 */
	const char *status;	/* "INVALID_ARGUMENT" */
	const char *reason;	/* "invalid" */
	const char *message;	/* fixed wire message or NULL */
};

/*
 * The row of `code`; ERR__NONE and values outside the table give
 * INTERNAL_ERROR's row, since replying with them is a bug. Never NULL.
 */
const struct err_info *errors_info(enum err_code code);

/* The code named `name` ("QUOTA_EXCEEDED"); 0, or -1 if unknown. */
int errors_lookup(const char *name, enum err_code *out);

#endif
