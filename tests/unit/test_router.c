/*
 * The route table as clients reach it: Google host prefixes (the Firebase
 * SDKs' emulator mode puts the API host in the path) and bare paths,
 * wildcard segments, and the 404/405 split; and what the router hands the
 * HTTP server, which calls nothing above it.
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "http_server.h"
#include "router.h"
#include "unit.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define JWKS "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
#define X509 "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"

static const struct {
	const char *method;
	const char *url;
	enum router_match want;
	const char *path;	/* FOUND: the path without the API prefix */
	const char *pattern;	/* FOUND: the route reached */
	const char *cap0;	/* FOUND: captures, NULL when none */
	const char *cap1;
	const char *allow;	/* METHOD_NOT_ALLOWED: the Allow list */
} cases[] = {
	/* Identity Toolkit, prefixed and bare. */
	{ "POST", "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:start",
	    ROUTER_FOUND, "/v2/accounts/mfaSignIn:start",
	    "/v2/accounts/mfaSignIn:start", NULL, NULL, NULL },
	{ "POST", "/v2/accounts/mfaSignIn:start", ROUTER_FOUND,
	    "/v2/accounts/mfaSignIn:start", "/v2/accounts/mfaSignIn:start",
	    NULL, NULL, NULL },
	{ "POST",
	    "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:finalize",
	    ROUTER_FOUND, "/v2/accounts/mfaSignIn:finalize",
	    "/v2/accounts/mfaSignIn:finalize", NULL, NULL, NULL },
	{ "POST", "/v2/accounts/mfaSignIn:finalize", ROUTER_FOUND,
	    "/v2/accounts/mfaSignIn:finalize",
	    "/v2/accounts/mfaSignIn:finalize", NULL, NULL, NULL },
	/* Public keys, under www.googleapis.com and bare. */
	{ "GET", "/www.googleapis.com" JWKS, ROUTER_FOUND, JWKS, JWKS, NULL,
	    NULL, NULL },
	{ "GET", JWKS, ROUTER_FOUND, JWKS, JWKS, NULL, NULL, NULL },
	{ "GET", "/www.googleapis.com" X509, ROUTER_FOUND, X509, X509, NULL,
	    NULL, NULL },
	{ "GET", X509, ROUTER_FOUND, X509, X509, NULL, NULL, NULL },
	/* Emulator control plane: bare only, with wildcards. */
	{ "GET", "/emulator/v1/projects/p1/tenants/t1/verificationCodes",
	    ROUTER_FOUND,
	    "/emulator/v1/projects/p1/tenants/t1/verificationCodes",
	    "/emulator/v1/projects/*/tenants/*/verificationCodes", "p1", "t1",
	    NULL },
	{ "GET", "/emulator/v1/projects/demo-project/verificationCodes",
	    ROUTER_FOUND,
	    "/emulator/v1/projects/demo-project/verificationCodes",
	    "/emulator/v1/projects/*/verificationCodes", "demo-project", NULL,
	    NULL },
	{ "DELETE", "/emulator/v1/projects/p1/accounts", ROUTER_FOUND,
	    "/emulator/v1/projects/p1/accounts",
	    "/emulator/v1/projects/*/accounts", "p1", NULL, NULL },
	{ "DELETE", "/emulator/v1/projects/p1/tenants/t-2/accounts",
	    ROUTER_FOUND, "/emulator/v1/projects/p1/tenants/t-2/accounts",
	    "/emulator/v1/projects/*/tenants/*/accounts", "p1", "t-2", NULL },
	{ "GET", "/emulator/v1/clock", ROUTER_FOUND, "/emulator/v1/clock",
	    "/emulator/v1/clock", NULL, NULL, NULL },
	{ "POST", "/emulator/v1/clock", ROUTER_FOUND, "/emulator/v1/clock",
	    "/emulator/v1/clock", NULL, NULL, NULL },
	{ "GET", "/", ROUTER_FOUND, "/", "/", NULL, NULL, NULL },

	/* Wrong method on a known path: 405 and what is allowed. */
	{ "GET", "/v2/accounts/mfaSignIn:start", ROUTER_METHOD_NOT_ALLOWED,
	    NULL, NULL, NULL, NULL, "POST" },
	{ "GET", "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:start",
	    ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, NULL, "POST" },
	{ "POST", JWKS, ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, NULL,
	    "GET" },
	{ "PUT", "/emulator/v1/clock", ROUTER_METHOD_NOT_ALLOWED, NULL, NULL,
	    NULL, NULL, "GET, POST" },
	{ "POST", "/emulator/v1/projects/p1/verificationCodes",
	    ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, NULL,
	    "GET, DELETE" },
	{ "GET", "/emulator/v1/projects/p1/accounts",
	    ROUTER_METHOD_NOT_ALLOWED, NULL, NULL, NULL, NULL, "DELETE" },

	/* Unknown paths. */
	{ "POST", "/v2/accounts/mfaSignIn:nope", ROUTER_NOT_FOUND, NULL, NULL,
	    NULL, NULL, NULL },
	{ "POST", "/v1/accounts/mfaSignIn:start", ROUTER_NOT_FOUND, NULL, NULL,
	    NULL, NULL, NULL },
	{ "POST", "/v2/accounts/mfaSignIn:start/", ROUTER_NOT_FOUND, NULL,
	    NULL, NULL, NULL, NULL },
	{ "POST", "/v2/accounts/mfaSignIn:startx", ROUTER_NOT_FOUND, NULL,
	    NULL, NULL, NULL, NULL },
	{ "GET", "/nope", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	{ "GET", "", ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	/* A prefix that belongs to another API host. */
	{ "POST", "/securetoken.googleapis.com/v2/accounts/mfaSignIn:start",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	{ "POST", "/www.googleapis.com/v2/accounts/mfaSignIn:start",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	{ "GET", "/identitytoolkit.googleapis.com" JWKS, ROUTER_NOT_FOUND,
	    NULL, NULL, NULL, NULL, NULL },
	{ "GET", "/identitytoolkit.googleapis.com/emulator/v1/clock",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	{ "POST",
	    "/identitytoolkit.googleapis.comx/v2/accounts/mfaSignIn:start",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	/* A wildcard never matches an empty or a multi-part segment. */
	{ "GET", "/emulator/v1/projects//verificationCodes", ROUTER_NOT_FOUND,
	    NULL, NULL, NULL, NULL, NULL },
	{ "GET", "/emulator/v1/projects/p1/tenants//verificationCodes",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
	{ "DELETE", "/emulator/v1/projects//accounts", ROUTER_NOT_FOUND, NULL,
	    NULL, NULL, NULL, NULL },
	{ "GET", "/emulator/v1/projects/a/b/c/verificationCodes",
	    ROUTER_NOT_FOUND, NULL, NULL, NULL, NULL, NULL },
};

START_TEST(router_match_table)
{
	const struct route *route = NULL;
	const char *path = NULL, *captures[REQUEST_MAX_CAPTURES] = { NULL };
	size_t ncaptures = 99;
	char buf[256], allow[64];
	enum router_match m;

	memset(allow, 'x', sizeof(allow));
	m = router_match(cases[_i].method, cases[_i].url, &route, &path,
	    captures, &ncaptures, buf, sizeof(buf), allow, sizeof(allow));
	ck_assert_msg(m == cases[_i].want, "%s %s: got %d, want %d",
	    cases[_i].method, cases[_i].url, (int)m, (int)cases[_i].want);
	if (m == ROUTER_METHOD_NOT_ALLOWED) {
		ck_assert_str_eq(allow, cases[_i].allow);
		return;
	}
	if (m != ROUTER_FOUND)
		return;
	ck_assert_ptr_nonnull(route);
	ck_assert_str_eq(route->method, cases[_i].method);
	ck_assert_str_eq(route->pattern, cases[_i].pattern);
	ck_assert(route->handler != NULL);
	ck_assert_str_eq(path, cases[_i].path);
	/* The path points into the url, past any prefix. */
	ck_assert_ptr_eq(path, cases[_i].url + strlen(cases[_i].url) -
	    strlen(cases[_i].path));
	ck_assert_uint_eq(ncaptures, cases[_i].cap1 ? 2 :
	    cases[_i].cap0 ? 1 : 0);
	if (cases[_i].cap0 != NULL)
		ck_assert_str_eq(captures[0], cases[_i].cap0);
	if (cases[_i].cap1 != NULL)
		ck_assert_str_eq(captures[1], cases[_i].cap1);
}
END_TEST

/* The Identity Toolkit methods need an API key; the control plane not. */
START_TEST(router_match_flags)
{
	const struct route *route;
	const char *path, *captures[REQUEST_MAX_CAPTURES];
	size_t n;
	char buf[256], allow[64];

	ck_assert_int_eq(router_match("POST", "/v2/accounts/mfaSignIn:start",
	    &route, &path, captures, &n, buf, sizeof(buf), allow,
	    sizeof(allow)), ROUTER_FOUND);
	ck_assert_uint_eq(route->flags & (ROUTE_JSON | ROUTE_KEY),
	    ROUTE_JSON | ROUTE_KEY);
	ck_assert_int_eq(router_match("GET", JWKS, &route, &path, captures,
	    &n, buf, sizeof(buf), allow, sizeof(allow)), ROUTER_FOUND);
	ck_assert_uint_eq(route->flags & ROUTE_KEY, 0);
	ck_assert_int_eq(router_match("GET",
	    "/emulator/v1/projects/p/verificationCodes", &route, &path,
	    captures, &n, buf, sizeof(buf), allow, sizeof(allow)),
	    ROUTER_FOUND);
	ck_assert_uint_eq(route->flags & ROUTE_KEY, 0);
}
END_TEST

START_TEST(router_max_body_default)
{
	ck_assert_uint_eq(router_max_body("POST",
	    "/v2/accounts/mfaSignIn:start", 12345), 12345);
	ck_assert_uint_eq(router_max_body("POST",
	    "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:finalize",
	    65536), 65536);
	ck_assert_uint_eq(router_max_body("GET", "/nope", 777), 777);
	ck_assert_uint_eq(router_max_body("GET",
	    "/v2/accounts/mfaSignIn:start", 4096), 4096);
}
END_TEST

/* What main.c hands the server: the table's limits and the dispatcher. */
START_TEST(router_app_limits_and_dispatch)
{
	struct emu emu;
	struct request req;

	memset(&emu, 0, sizeof(emu));
	memset(&req, 0, sizeof(req));
	emu.cfg.max_body = 4096;
	req.emu = &emu;
	req.method = "POST";
	req.url = "/v2/accounts/mfaSignIn:start";
	ck_assert_uint_eq(router_app.max_body(&req), 4096);
	req.url = "/emulator/v1/fixtures";
	ck_assert_uint_eq(router_app.max_body(&req), 64u << 20);
	ck_assert(router_app.dispatch == router_dispatch);
}
END_TEST

static int fake_dispatched;

static size_t
fake_max_body(const struct request *req)
{
	return 4;
}

static void
fake_dispatch(struct request *req)
{
	fake_dispatched++;
	http_server_send(req, 299, "text/plain", "seen", 4);
}

/* The server calls no router of its own: only the app it is given. */
START_TEST(http_server_run_calls_its_app)
{
	static const struct http_server_app fake = { fake_max_body,
	    fake_dispatch };
	struct request *req = calloc(1, sizeof(*req));

	ck_assert_ptr_nonnull(req);
	req->method = "POST";
	req->url = "/v2/accounts/mfaSignIn:start";
	req->body = strdup("0123456789");
	req->body_len = 10;
	fake_dispatched = 0;
	http_server_run(&fake, req);
	ck_assert_int_eq(fake_dispatched, 1);
	ck_assert_uint_eq(req->body_cap, 4);
	ck_assert(req->too_large);
	ck_assert_uint_eq(req->status, 299);
	ck_assert_str_eq(req->response, "seen");
	http_server_request_free(req);
}
END_TEST

static Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("router");

	tcase_add_loop_test(tc, router_match_table, 0, N(cases));
	tcase_add_test(tc, router_match_flags);
	tcase_add_test(tc, router_max_body_default);
	tcase_add_test(tc, router_app_limits_and_dispatch);
	tcase_add_test(tc, http_server_run_calls_its_app);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(router_suite)
