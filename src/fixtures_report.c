/* What a fixture load did: per-project counts, kept and replaced ids, warnings. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fixtures_report.h"
#include "log.h"

/* The counters of a project's (or tenant's) object, in reply order. */
static const char *const counter_names[] = {
	"users", "enrollments", "pendingCredentials", "smsSessions",
	"testPhoneNumbers", "skipped", "replaced",
	"tenants",		/* the project's only: keep it last */
};
#define NCOUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

int
fixtures_report_init(struct fixtures_report *r,
    enum config_on_existing on_existing)
{
	memset(r, 0, sizeof(*r));
	r->on_existing = on_existing;
	r->projects = json_object_new_object();
	r->warnings = json_object_new_array();
	r->skipped_ids = json_object_new_array();
	r->replaced_ids = json_object_new_array();
	return r->projects && r->warnings && r->skipped_ids &&
	    r->replaced_ids ? 0 : -1;
}

void
fixtures_report_free(struct fixtures_report *r)
{
	json_object_put(r->projects);
	json_object_put(r->warnings);
	json_object_put(r->skipped_ids);
	json_object_put(r->replaced_ids);
	memset(r, 0, sizeof(*r));
}

/* parent[name], made with every counter at 0 when absent. */
static struct json_object *
counters(struct json_object *parent, const char *name, size_t n)
{
	struct json_object *o;

	if (json_object_object_get_ex(parent, name, &o))
		return o;
	o = json_object_new_object();
	for (size_t i = 0; i < n; i++)
		json_object_object_add(o, counter_names[i],
		    json_object_new_int64(0));
	json_object_object_add(parent, name, o);
	return o;
}

static void
bump(struct json_object *o, const char *key, size_t n)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, key, &v))
		json_object_set_int64(v, json_object_get_int64(v) + (int64_t)n);
}

void
fixtures_report_add(struct fixtures_report *r, const char *project,
    const char *tenant, const char *key, size_t n)
{
	struct json_object *p, *by;

	p = counters(r->projects, project, NCOUNTERS);
	bump(p, key, n);
	if (*tenant == '\0' || strcmp(key, "tenants") == 0 || n == 0)
		return;
	if (!json_object_object_get_ex(p, "byTenant", &by)) {
		by = json_object_new_object();
		json_object_object_add(p, "byTenant", by);
	}
	/* A tenant has every counter but "tenants". */
	bump(counters(by, tenant, NCOUNTERS - 1), key, n);
}

void
fixtures_report_project(struct fixtures_report *r, const char *source,
    const char *project, const char *served)
{
	char text[1024];

	counters(r->projects, project, NCOUNTERS);
	if (strcmp(project, served) == 0)
		return;
	snprintf(text, sizeof(text), "%s loads project '%s', which is not "
	    "the served project '%s': apps using --project %s will not see "
	    "these users; set \"projectId\": \"%s\" in the fixtures, or start "
	    "mfaemu with --project %s", source, project, served, served,
	    served, project);
	for (size_t i = 0; i < json_object_array_length(r->warnings); i++) {
		if (strcmp(json_object_get_string(json_object_array_get_idx(
		    r->warnings, i)), text) == 0)
			return;
	}
	json_object_array_add(r->warnings, json_object_new_string(text));
}

/* "localId erin in demo-project/tenant-a" for an id entry. */
static void
id_text(struct json_object *o, char *out, size_t len)
{
	static const char *const keys[] = { "localId",
	    "mfaPendingCredential", "sessionInfo" };
	struct json_object *t = json_object_object_get(o, "tenantId");
	size_t k = 0;

	while (k < 2 && !json_object_object_get_ex(o, keys[k], NULL))
		k++;
	snprintf(out, len, "%s %s in %s%s%s", keys[k],
	    json_object_get_string(json_object_object_get(o, keys[k])),
	    json_object_get_string(json_object_object_get(o, "projectId")),
	    t ? "/" : "", t ? json_object_get_string(t) : "");
}

int
fixtures_report_existing(const struct fixtures_report *r, char *err,
    size_t errlen)
{
	size_t n = json_object_array_length(r->skipped_ids), at;
	char one[400];

	if (r->on_existing != CONFIG_ON_EXISTING_FAIL || n == 0)
		return 0;
	at = (size_t)snprintf(err, errlen, "%zu %s already stored and "
	    "onExisting is fail, so nothing was loaded:", n, n == 1 ?
	    "entry is" : "entries are");
	for (size_t i = 0; i < n && at < errlen; i++) {
		id_text(json_object_array_get_idx(r->skipped_ids, i), one,
		    sizeof(one));
		at += (size_t)snprintf(err + at, errlen - at, "%s %s",
		    i ? "," : "", one);
	}
	return -1;
}

/* "1 user" or "2 users", after ", " unless first. */
static size_t
count_text(char *out, size_t len, size_t at, size_t n, const char *one,
    const char *many)
{
	if (at >= len)
		return at;
	return at + (size_t)snprintf(out + at, len - at, "%s%zu %s",
	    at ? ", " : "", n, n == 1 ? one : many);
}

void
fixtures_counts_text(const struct fixtures_counts *c, char *out,
    size_t outlen)
{
	/* Users and enrollments always; the rest when there are some. */
	const struct {
		size_t n;
		const char *one, *many;
	} parts[] = {
		{ c->users, "user", "users" },
		{ c->enrollments, "enrollment", "enrollments" },
		{ c->credentials, "pending credential", "pending credentials" },
		{ c->sessions, "SMS session", "SMS sessions" },
		{ c->test_numbers, "test number", "test numbers" },
		{ c->realms, "tenant", "tenants" },
	};
	size_t at = 0;

	*out = '\0';
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (i < 2 || parts[i].n > 0)
			at = count_text(out, outlen, at, parts[i].n,
			    parts[i].one, parts[i].many);
	}
	if (c->skipped && at < outlen)
		at += (size_t)snprintf(out + at, outlen - at, "; %zu already "
		    "stored, kept", c->skipped);
	if (c->replaced && at < outlen)
		snprintf(out + at, outlen - at, "; %zu already stored, "
		    "replaced", c->replaced);
}

/* The fields of `c` in counter_names' order. */
static void
slots(struct fixtures_counts *c, size_t *slot[NCOUNTERS])
{
	size_t *s[] = { &c->users, &c->enrollments, &c->credentials,
	    &c->sessions, &c->test_numbers, &c->skipped, &c->replaced,
	    &c->realms };

	memcpy(slot, s, sizeof(s));
}

/* A project's or tenant's counters as a struct. */
static void
from_json(struct json_object *o, struct fixtures_counts *c)
{
	size_t *slot[NCOUNTERS];
	struct json_object *v;

	memset(c, 0, sizeof(*c));
	slots(c, slot);
	for (size_t i = 0; i < NCOUNTERS; i++) {
		if (json_object_object_get_ex(o, counter_names[i], &v))
			*slot[i] = (size_t)json_object_get_int64(v);
	}
}

void
fixtures_report_log(const struct fixtures_report *r, const char *what)
{
	struct fixtures_counts c;
	struct json_object *by;
	char text[512];

	json_object_object_foreach(r->projects, project, counts) {
		from_json(counts, &c);
		fixtures_counts_text(&c, text, sizeof(text));
		log_info("%s project %s: %s", what, project, text);
		if (!json_object_object_get_ex(counts, "byTenant", &by))
			continue;
		json_object_object_foreach(by, tenant, tc) {
			from_json(tc, &c);
			fixtures_counts_text(&c, text, sizeof(text));
			log_info("%s project %s, of which tenant %s: %s", what,
			    project, tenant, text);
		}
	}
	for (size_t i = 0; i < json_object_array_length(r->warnings); i++)
		log_warn("%s", json_object_get_string(
		    json_object_array_get_idx(r->warnings, i)));
}

void
fixtures_report_json(struct fixtures_report *r, struct json_object *body)
{
	size_t *slot[NCOUNTERS];

	slots(&r->total, slot);
	for (size_t i = 0; i < NCOUNTERS; i++)
		json_object_object_add(body, counter_names[i],
		    json_object_new_int64((int64_t)*slot[i]));
	json_object_object_add(body, "projects", r->projects);
	json_object_object_add(body, "warnings", r->warnings);
	json_object_object_add(body, "skippedIds", r->skipped_ids);
	json_object_object_add(body, "replacedIds", r->replaced_ids);
	r->projects = r->warnings = r->skipped_ids = r->replaced_ids = NULL;
}
