#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "emu.h"
#include "file.h"
#include "firebase_data.h"
#include "fixtures.h"
#include "reqparse.h"
#include "store.h"
#include "user_import.h"
#include "user_info.h"

#define FB_MAX_FILE (256u << 20)

static struct json_object *
read_json(const char *path, int optional, char *err, size_t errlen)
{
	struct json_object *doc;
	char *buf, reason[256];
	size_t n;

	if ((buf = file_read_all(path, FB_MAX_FILE, &n, err, errlen)) ==
	    NULL) {
		if (optional && errno == ENOENT)
			err[0] = '\0';
		return NULL;
	}
	doc = reqparse_json(buf, n, reason, sizeof(reason));
	free(buf);
	if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "%s: %s", path, doc ? "not a JSON object" :
		    reason);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

/* Copy member `k` of `from` to `to` when present. */
static void
copy_member(struct json_object *from, struct json_object *to, const char *k)
{
	struct json_object *v;

	if (json_object_object_get_ex(from, k, &v) && v != NULL)
		json_object_object_add(to, k, json_object_get(v));
}

/* One exported user as a fixture user (new object). */
static struct json_object *
user_from_firebase(struct json_object *fu)
{
	static const char *const keep[] = { "localId", "email",
	    "emailVerified", "displayName", "phoneNumber", "disabled",
	    "tenantId", "createdAt", "photoUrl", "lastLoginAt",
	    "lastRefreshAt", "passwordUpdatedAt", "emailLinkSignin",
	    "providerUserInfo", "validSince", "customAttributes" };
	struct json_object *u = json_object_new_object(), *v, *mfa;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		copy_member(fu, u, keep[i]);
	/* A JavaScript number may come back as a double: whole ms. */
	if (json_object_object_get_ex(u, "passwordUpdatedAt", &v) &&
	    json_object_is_type(v, json_type_double))
		json_object_object_add(u, "passwordUpdatedAt",
		    json_object_new_int64((int64_t)json_object_get_double(v)));
	if (json_object_object_get_ex(fu, "passwordHash", &v) &&
	    json_object_is_type(v, json_type_string)) {
		const char *h = json_object_get_string(v);
		const char *pw = strstr(h, ":password=");

		if (strncmp(h, "fakeHash:", 9) == 0 && pw != NULL)
			json_object_object_add(u, "password",
			    json_object_new_string(pw + 10));
	}
	if (json_object_object_get_ex(fu, "mfaInfo", &mfa) &&
	    json_object_is_type(mfa, json_type_array)) {
		struct json_object *out = json_object_new_array();

		for (size_t i = 0; i < json_object_array_length(mfa); i++) {
			struct json_object *e = json_object_array_get_idx(mfa,
			    i), *fe = json_object_new_object();

			copy_member(e, fe, "mfaEnrollmentId");
			copy_member(e, fe, "displayName");
			copy_member(e, fe, "enrolledAt");
			/* Exports keep the full number under either name. */
			if (json_object_object_get_ex(e, "unobfuscatedPhoneInfo",
			    &v))
				json_object_object_add(fe, "phoneInfo",
				    json_object_get(v));
			else
				copy_member(e, fe, "phoneInfo");
			json_object_array_add(out, fe);
		}
		json_object_object_add(u, "mfaInfo", out);
	}
	return u;
}

/* DIR's accounts.json, where its metadata says (auth_export without one). */
static int
accounts_path(const char *dir, char *path, size_t len, char *err,
    size_t errlen)
{
	struct json_object *meta, *auth, *v;
	char sub[1024] = "auth_export";

	snprintf(path, len, "%s/firebase-export-metadata.json", dir);
	meta = read_json(path, 1, err, errlen);
	if (meta == NULL && err[0] != '\0')
		return -1;
	if (meta != NULL && json_object_object_get_ex(meta, "auth", &auth) &&
	    json_object_object_get_ex(auth, "path", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strstr(json_object_get_string(v), "..") == NULL)
		snprintf(sub, sizeof(sub), "%s", json_object_get_string(v));
	json_object_put(meta);
	snprintf(path, len, "%s/%s/accounts.json", dir, sub);
	return 0;
}

/* The tenant named by user `i` of `source`, made a realm unless stored. */
static int
import_tenant(struct emu *emu, const char *source, size_t i,
    const char *tenant, char *err, size_t errlen)
{
	if (!user_import_valid_tenant_id(tenant)) {
		snprintf(err, errlen, "%s: $.users[%zu]: tenantId '%s' must be "
		    "1-%d letters, digits, '-' or '_'", source, i, tenant,
		    STORE_ID_MAX);
		return -1;
	}
	if (store_realm_ensure(emu->store, emu->cfg.project, tenant) !=
	    STORE_OK) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	return 0;
}

/* The project and every tenant its users name, before any user. */
static int
import_realms(struct emu *emu, const char *source, struct json_object *fusers,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	struct json_object *seen = json_object_new_object(), *v;
	int rc = 0;

	if (store_realm_ensure(emu->store, emu->cfg.project, "") != STORE_OK) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && fusers != NULL &&
	    i < json_object_array_length(fusers); i++) {
		const char *tenant;

		if (!json_object_object_get_ex(json_object_array_get_idx(fusers,
		    i), "tenantId", &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		tenant = json_object_get_string(v);
		if (json_object_object_get_ex(seen, tenant, NULL))
			continue;
		json_object_object_add(seen, tenant, NULL);
		rc = import_tenant(emu, source, i, tenant, err, errlen);
		counts->realms += rc == 0;
	}
	json_object_put(seen);
	return rc;
}

/* Each exported user through the user importer; non-objects are skipped. */
static int
import_users(struct emu *emu, const char *source, struct json_object *fusers,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	struct user_import imp;
	struct user_import_error e;
	char where[48] = "$", text[768];
	int rc = user_import_begin(&imp, emu, emu->cfg.project, &e);

	for (size_t i = 0; rc == 0 && fusers != NULL &&
	    i < json_object_array_length(fusers); i++) {
		struct json_object *fu = json_object_array_get_idx(fusers, i),
		    *u;

		if (!json_object_is_type(fu, json_type_object))
			continue;
		u = user_from_firebase(fu);
		snprintf(where, sizeof(where), "$.users[%zu]", i);
		if (user_import_user(&imp, u, NULL, &e) == USER_IMPORT_FAILED)
			rc = -1;
		json_object_put(u);
	}
	if (rc != 0) {
		user_import_error_text(&e, where, text, sizeof(text));
		snprintf(err, errlen, "%s: %s", source, text);
	}
	counts->users = imp.users;
	counts->enrollments = imp.enrollments;
	counts->skipped = imp.skipped;
	user_import_end(&imp);
	return rc;
}

int
firebase_import(struct emu *emu, const char *dir,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	struct json_object *accounts, *fusers;
	char path[4096];
	int rc;

	memset(counts, 0, sizeof(*counts));
	if (accounts_path(dir, path, sizeof(path), err, errlen) != 0 ||
	    (accounts = read_json(path, 0, err, errlen)) == NULL)
		return -1;
	/* No users (or not a list): the project alone. */
	if (!json_object_object_get_ex(accounts, "users", &fusers) ||
	    !json_object_is_type(fusers, json_type_array))
		fusers = NULL;
	if (store_begin(emu->store) != 0) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		json_object_put(accounts);
		return -1;
	}
	rc = import_realms(emu, path, fusers, counts, err, errlen) ||
	    import_users(emu, path, fusers, counts, err, errlen) ? -1 : 0;
	if (rc != 0)
		store_rollback(emu->store);
	else if (store_commit(emu->store) != 0) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		rc = -1;
	}
	json_object_put(accounts);
	return rc;
}

/* Make `dir`'s entries (a rename into it) durable. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, saved;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	/* Some file systems cannot sync a folder; nothing more to do there. */
	return r != 0 && saved != EINVAL ? -1 : 0;
}

/*
 * Put `text` and a newline at `dir`/`name` so that a reader, or the disk
 * after a crash, holds either the old file or the whole new one: write a
 * temporary file beside it, fsync it, rename it over the name, fsync the
 * folder. On failure the temporary file is gone and the old file is as
 * it was; err names the file and the reason.
 */
static int
write_file_durably(const char *dir, const char *name, const char *text,
    char *err, size_t errlen)
{
	char path[4200], tmp[4300];
	int fd, saved;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* A stale one from a crash is replaced, never followed if a link. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0666);
	if (fd < 0)
		goto fail;
	if (file_write_all(fd, text, strlen(text)) != 0 ||
	    file_write_all(fd, "\n", 1) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail_unlink;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
		goto fail_unlink;
	if (sync_dir(dir) != 0)
		goto fail;
	return 0;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

static int
write_json(const char *dir, const char *name, struct json_object *doc,
    char *err, size_t errlen)
{
	return write_file_durably(dir, name, json_object_to_json_string_ext(
	    doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE), err, errlen);
}

struct fb_export {
	struct store *st;
	struct json_object *users;
	int failed;
};

static int
fb_enrollment(const struct store_enrollment *e, void *arg)
{
	struct json_object *o;
	char when[32];

	if (e->kind != STORE_FACTOR_PHONE)
		return 0;
	o = json_object_new_object();
	json_object_object_add(o, "phoneInfo",
	    json_object_new_string(e->phone_number));
	json_object_object_add(o, "mfaEnrollmentId",
	    json_object_new_string(e->enrollment_id));
	if (e->display_name[0])
		json_object_object_add(o, "displayName",
		    json_object_new_string(e->display_name));
	if (clock_format_rfc3339(e->enrolled_at, when, sizeof(when)) == 0)
		json_object_object_add(o, "enrolledAt",
		    json_object_new_string(when));
	json_object_array_add(arg, o);
	return 0;
}

static int
fb_user(const struct store_user *u, void *arg)
{
	struct fb_export *ex = arg;
	struct json_object *mfa, *o;

	/* Phone factors only: the Firebase emulator has no TOTP. */
	mfa = json_object_new_array();
	if (store_enrollment_list(ex->st, u->id, fb_enrollment, mfa) !=
	    STORE_OK) {
		json_object_put(mfa);
		mfa = json_object_new_array();
	}
	if ((o = user_info_json(ex->st, u, mfa, USER_INFO_ADMIN)) == NULL) {
		ex->failed = 1;
		return 1;
	}
	/*
	 * The Firebase emulator keeps "fakeHash:salt=..:password=.." and
	 * could not read mfaemu's salted hash: the layout carries none.
	 */
	json_object_object_del(o, "passwordHash");
	json_object_object_del(o, "salt");
	json_object_array_add(ex->users, o);
	return 0;
}

int
firebase_export(struct emu *emu, const char *dir, char *err, size_t errlen)
{
	struct fb_export ex = { emu->store, json_object_new_array(), 0 };
	struct json_object *accounts, *config, *meta, *auth, *sign_in;
	char path[4096];
	int r, rc = -1;

	if (store_begin(emu->store) != 0) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		json_object_put(ex.users);
		return -1;
	}
	r = store_user_list(emu->store, emu->cfg.project, fb_user, &ex);
	store_rollback(emu->store);
	if (r != STORE_OK || ex.failed) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		json_object_put(ex.users);
		return -1;
	}
	accounts = json_object_new_object();
	json_object_object_add(accounts, "kind", json_object_new_string(
	    "identitytoolkit#DownloadAccountResponse"));
	json_object_object_add(accounts, "users", ex.users);
	config = json_object_new_object();
	sign_in = json_object_new_object();
	json_object_object_add(sign_in, "allowDuplicateEmails",
	    json_object_new_boolean(0));
	json_object_object_add(config, "signIn", sign_in);
	meta = json_object_new_object();
	auth = json_object_new_object();
	json_object_object_add(meta, "version",
	    json_object_new_string("mfaemu"));
	json_object_object_add(auth, "version",
	    json_object_new_string("mfaemu"));
	json_object_object_add(auth, "path",
	    json_object_new_string("auth_export"));
	json_object_object_add(meta, "auth", auth);

	snprintf(path, sizeof(path), "%s/auth_export", dir);
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(path, 0755) != 0 && errno != EEXIST)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* The metadata last: syncing DIR for it makes auth_export durable. */
	if (write_json(path, "accounts.json", accounts, err, errlen) ||
	    write_json(path, "config.json", config, err, errlen) ||
	    write_json(dir, "firebase-export-metadata.json", meta, err, errlen))
		goto out;
	rc = 0;
out:
	json_object_put(accounts);
	json_object_put(config);
	json_object_put(meta);
	return rc;
}
