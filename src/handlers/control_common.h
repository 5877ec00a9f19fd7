/*
 * Helpers of the /emulator/v1 handlers (control_*.c, emulator_*.c) whose
 * paths name a realm: .../projects/{p}[/tenants/{t}], captures[0] being
 * the project and captures[1], when present, the tenant.
 */
#ifndef MFAEMU_HANDLERS_CONTROL_COMMON_H
#define MFAEMU_HANDLERS_CONTROL_COMMON_H

#include <stddef.h>

struct json_object;
struct reqparse_field;
struct request;

/* The path's tenant, or "" for the project (borrowed). */
const char *control_tenant(struct request *req);

/*
 * A true/false query parameter (also 1/0; absent: false) into *out; 400
 * INVALID_ARGUMENT naming it when it is anything else.
 */
int control_bool_param_or_reply(struct request *req, const char *name,
    int *out);

/*
 * A control body, strictly: 400 INVALID_ARGUMENT naming a member that is
 * not in `fields` (nested tables too) and listing those that are, then
 * reqparse_fields_or_reply's checks.
 */
int control_fields_or_reply(struct request *req,
    const struct reqparse_field *fields, size_t n);

/*
 * 400 INVALID_ARGUMENT naming a query parameter that is neither in `names`
 * (NULL-terminated; NULL for none) nor a system parameter (key, alt,
 * prettyPrint, fields, $.xgafv), and listing those that are.
 */
int control_query_or_reply(struct request *req, const char *const *names);

/*
 * An outbox listing's ?includeTenants=true into *out: the project's
 * tenants' entries too; 400 INVALID_ARGUMENT when it is not true or
 * false, or is asked of a tenant's outbox.
 */
int control_include_tenants_or_reply(struct request *req, int *out);

/*
 * Inside a transaction: fn for each tenant of the path's project, in id
 * order, until one returns other than STORE_OK; that store result.
 */
int control_each_tenant(struct request *req,
    int (*fn)(struct request *req, const char *tenant, void *arg),
    void *arg);

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
