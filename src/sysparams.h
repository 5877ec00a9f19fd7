/*
 * What Google's front end does with a request before the service sees
 * it: X-HTTP-Method-Override, the system parameters generated clients
 * send ($.xgafv, prettyPrint, alt, fields) and CORS preflights.
 */
#ifndef MFAEMU_SYSPARAMS_H
#define MFAEMU_SYSPARAMS_H

struct request;

/*
 * The system parameters' names, which every route takes beside its own
 * (key, alt, prettyPrint, fields, $.xgafv); NULL-terminated.
 */
extern const char *const sysparams_names[];

/* 1 when Content-Type `ct` is `type`, with or without parameters. */
int sysparams_media_type(const char *ct, const char *type);

/*
 * X-HTTP-Method-Override, as Google's front end (ESPv2) honours it: the
 * request is routed and served as the method the header names, whatever
 * it was sent as, body included. A GET sent as a POST may carry its query
 * parameters in a form body (what Google's .NET and Java clients do with
 * a long URL): they are read as query parameters. 0, or -1 after replying.
 */
int sysparams_override_or_reply(struct request *req);

/*
 * $.xgafv (1 or 2), prettyPrint, alt (json only) and fields (a partial
 * response mask, parsed into req->fields). 0, or -1 after replying 400.
 */
int sysparams_or_reply(struct request *req);

/* Answer a CORS preflight (204), Private Network Access included. */
void sysparams_preflight(struct request *req);

#endif
