/*
 * Helpers of the /emulator/v1 handlers (control_*.c, emulator_*.c) whose
 * paths name a realm: .../projects/{p}[/tenants/{t}], captures[0] being
 * the project and captures[1], when present, the tenant.
 */
#ifndef MFAEMU_HANDLERS_CONTROL_COMMON_H
#define MFAEMU_HANDLERS_CONTROL_COMMON_H

struct json_object;
struct request;

/* The path's tenant, or "" for the project (borrowed). */
const char *control_tenant(struct request *req);

/*
 * A true/false query parameter (also 1/0; absent: false) into *out; 400
 * INVALID_ARGUMENT naming it when it is anything else.
 */
int control_bool_param_or_reply(struct request *req, const char *name,
    int *out);

/* 400 INVALID_ARGUMENT when the path's ids are too long to be stored. */
int control_realm_ids_or_reply(struct request *req);

/* A listing's flag: `name`: true on `item` when `on`, absent otherwise. */
void control_add_flag(struct json_object *item, const char *name, int on);

/*
 * The end of a read-only listing: roll the transaction back, then reply
 * 200 {`member`: list} when `r` (its store result) is STORE_OK, else 503.
 * `list` is consumed either way.
 */
void control_reply_list(struct request *req, int r, const char *member,
    struct json_object *list);

#endif
