/*
 * Partial responses: the `fields` system parameter of Google APIs, a
 * field mask in Google's syntax ("a,b/c,d(e,f)", "*" for every field),
 * parsed once per request and applied to a success body.
 */
#ifndef MFAEMU_FIELDMASK_H
#define MFAEMU_FIELDMASK_H

#include <stddef.h>

struct json_object;
struct fieldmask;

/*
 * Parse `text`. Returns a new mask (free with fieldmask_free), or NULL
 * with the reason in err. An empty text is no mask: NULL with err "".
 */
struct fieldmask *fieldmask_parse(const char *text, char *err,
    size_t errlen);

void fieldmask_free(struct fieldmask *m);

/*
 * Remove from `obj` (borrowed, changed in place) what the mask does not
 * select. Arrays are filtered element by element; a field the mask names
 * is kept whole unless the mask names fields inside it.
 */
void fieldmask_apply(const struct fieldmask *m, struct json_object *obj);

#endif
