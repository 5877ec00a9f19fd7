/* The error table: errors.def as rows, looked up by code or by name. */
#include <string.h>

#include "errors.h"

/* Row i is the code ERR__NONE + 1 + i. */
static const struct err_info err_table[] = {
#define ERR(code, http, status, reason, message) \
	{ #code, http, status, reason, message },
#include "errors.def"
#undef ERR
};

const struct err_info *
errors_info(enum err_code code)
{
	if (code <= ERR__NONE || code >= ERR__COUNT)
		code = ERR_INTERNAL_ERROR;
	return &err_table[code - ERR__NONE - 1];
}

enum err_form
errors_form(const struct err_info *e)
{
	if (e->message == NULL)
		return ERR_FORM_CODE;
	if (strcmp(e->message, ERR_DETAIL) == 0)
		return ERR_FORM_DETAIL;
	if (strcmp(e->message, ERR_SENTENCE) == 0)
		return ERR_FORM_SENTENCE;
	return ERR_FORM_FIXED;
}

int
errors_lookup(const char *name, enum err_code *out)
{
	for (int code = ERR__NONE + 1; code < ERR__COUNT; code++) {
		if (strcmp(errors_info((enum err_code)code)->code, name) == 0) {
			*out = (enum err_code)code;
			return 0;
		}
	}
	return -1;
}
