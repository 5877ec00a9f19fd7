/*
 * Every route and handler: each input is a short script of HTTP requests
 * run through http_server_run() against one emu made at start-up with
 * fixtures/demo.json loaded, an in-memory store and the fixed test key.
 *
 * Input format (text, split deterministically; see README.md):
 *
 *   METHOD URL[?QUERY]\n
 *   Header-Name: value\n          (Content-Type, Origin, Authorization,
 *   ...                            Access-Control-Request-Headers)
 *   \n
 *   BODY
 *   \n~~~\n                       (next request, up to FUZZ_MAX_REQUESTS)
 *
 * An input that starts with "@B\n" runs against a second emu started with
 * --id-token-alg none --control-token ctl-token --require-key false (the
 * unsigned-token, guarded-control-plane configuration); others against
 * the default one. A request line "PRUNE" runs emu_prune(), as the
 * daemon's timer does.
 *
 * "{{name}}" anywhere in the URL, a header or the body becomes the last
 * string value of that member seen in an earlier response of the same
 * input (sessionInfo, idToken, refreshToken, code, sharedSecretKey, ...),
 * so a script can start a sign-in, read the code from the outbox and
 * finalize. "{{totp}}" is the current 6-digit SHA1 code of the last
 * sharedSecretKey (else Bob's demo secret), "{{totp8}}" Carol's 8-digit
 * SHA256 one, "{{response}}" the whole previous response body and
 * "{{responseN}}" that of request N (1-8), so an export can be loaded
 * back. Then "<<text>>" becomes base64url(text), so token headers and
 * payloads can be written out in plain JSON.
 *
 * Every FUZZ_ROUTER_RESET_EVERY inputs (default 16; tests/fuzz/run
 * --regress uses 1) the store is reset and the demo fixtures reloaded,
 * fault rules and events cleared and the clock frozen at FUZZ_T0_MS. A
 * reset costs about 1 ms, ten times a typical input, so fuzzing lets up to
 * 15 inputs share state; reproduce a finding with
 * FUZZ_ROUTER_RESET_EVERY=1, where each input starts from the same state.
 * Fault latency is not slept (usleep is replaced below).
 * FUZZ_ROUTER_TRACE=1 prints every exchange.
 *
 * Properties checked on every response: the request got an answer (or was
 * dropped by a fault rule); the status is 2xx-5xx; every body but a 204's
 * is one JSON object, valid UTF-8; no 5xx unless a fault rule is set; an
 * idToken in a response verifies (RS256 with the key, or reads as an
 * unsigned token in the second configuration) and has a sub.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base32.h"
#include "emu.h"
#include "events.h"
#include "faults.h"
#include "fixtures.h"
#include "fuzz_common.h"
#include "http_server.h"
#include "reqparse.h"
#include "router.h"
#include "store.h"
#include "tokens.h"
#include "totp.h"

/* 2026-03-01T00:00:00Z: the clock every input starts at. */
#define FUZZ_T0_MS 1772323200000LL
#define FUZZ_MAX_REQUESTS 8
#define FUZZ_MAX_QUERY 16
#define SEPARATOR "\n~~~\n"

#define BOB_SECRET "6IJSVADRO4MSOAO2OZINRETRIPWDR6IH"

/* The configurations under test; `emu` points at the current one. */
struct variant {
	struct emu emu;
	int dirty;		/* used since its last reset */
};
static struct variant variants[2];
static struct emu *emu;
static struct json_object *demo_doc;
static unsigned long reset_every = 16, runs;
static int trace;		/* FUZZ_ROUTER_TRACE=1: print each exchange */
static int strict;		/* FUZZ_STRICT=1: known findings fail too */
static unsigned long f1_noted, f2_noted;

/* Values taken from responses, for "{{name}}". */
static const char *const capture_names[] = {
	"sessionInfo", "idToken", "refreshToken", "mfaPendingCredential",
	"androidVerificationProof",
	"code", "sharedSecretKey", "localId", "mfaEnrollmentId", "tenantId",
	"nextPageToken", "phoneNumber", "id", "seq",
};
#define NCAPTURES (sizeof(capture_names) / sizeof(capture_names[0]))
static char *captures[NCAPTURES];
static char *responses[FUZZ_MAX_REQUESTS];	/* "{{responseN}}" */
static int nresponses;

/* Fault rules may ask for latency; a fuzzer has no time for it. */
int
usleep(useconds_t us)
{
	(void)us;
	return 0;
}

static void
fail(const char *what, const struct request *req)
{
	fprintf(stderr, "fuzz_router: %s\n  %s %s -> %u %s\n  response: "
	    "%.500s\n", what, req->method, req->url, req->status,
	    req->error_code ? req->error_code : "",
	    req->response ? req->response : "(none)");
	abort();
}

static void
reset(struct variant *v)
{
	struct emu *e = &v->emu;
	struct fixtures_report c;
	char err[512];

	/* The clock first: fixture lifetimes count from it. */
	clock_freeze(&e->clock);
	clock_set_ms(&e->clock, FUZZ_T0_MS);
	if (fixtures_report_init(&c, CONFIG_ON_EXISTING_SKIP) != 0 ||
	    store_begin(e->store) != 0 ||
	    store_reset_all(e->store) != STORE_OK ||
	    fixtures_apply(e, "fixtures/demo.json", demo_doc, &c, err,
	    sizeof(err)) != 0 || store_commit(e->store) != 0) {
		fprintf(stderr, "fuzz_router: reset failed: %s %s\n", err,
		    store_errmsg(e->store));
		abort();
	}
	fixtures_report_free(&c);
	faults_clear(&e->faults);
	events_clear(&e->events);
	v->dirty = 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* A small body limit, so 413 is within reach of short inputs. */
	char *args_a[] = { (char *)"fuzz_router", (char *)"--max-body",
	    (char *)"4096" };
	char *args_b[] = { (char *)"fuzz_router", (char *)"--max-body",
	    (char *)"4096", (char *)"--id-token-alg", (char *)"none",
	    (char *)"--control-token", (char *)"ctl-token",
	    (char *)"--require-key", (char *)"false" };
	char path[4096], err[512];
	const char *every = getenv("FUZZ_ROUTER_RESET_EVERY");
	size_t len;
	char *text;

	fuzz_quiet();
	fuzz_emu_open(&variants[0].emu, 3, args_a);
	fuzz_emu_open(&variants[1].emu, 9, args_b);
	snprintf(path, sizeof(path), "%s/fixtures/demo.json",
	    fuzz_source_root());
	text = fuzz_read_file(path, &len);
	if ((demo_doc = reqparse_json(text, len, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_router: %s: %s\n", path, err);
		abort();
	}
	free(text);
	trace = getenv("FUZZ_ROUTER_TRACE") != NULL;
	/* F1-F3 are fixed: known findings fail unless FUZZ_STRICT=0. */
	strict = getenv("FUZZ_STRICT") == NULL ||
	    strcmp(getenv("FUZZ_STRICT"), "0") != 0;
	if (every != NULL && atoi(every) > 0)
		reset_every = (unsigned long)atoi(every);
	reset(&variants[0]);
	reset(&variants[1]);
	emu = &variants[0].emu;
	return 0;
}

/* ------------------------------------------------------------ captures */

static void
capture_clear(void)
{
	for (size_t i = 0; i < NCAPTURES; i++) {
		free(captures[i]);
		captures[i] = NULL;
	}
	for (int i = 0; i < nresponses; i++) {
		free(responses[i]);
		responses[i] = NULL;
	}
	nresponses = 0;
}

/* An ID token the emulator issued must be one its verifiers accept. */
static void
check_id_token(const char *jwt)
{
	struct json_object *claims, *v;

	claims = emu->cfg.unsigned_id_tokens ? tokens_read_unsigned_jwt(jwt) :
	    tokens_verify_jwt(emu_key(emu), jwt);
	if (claims == NULL || !json_object_object_get_ex(claims, "sub", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		fprintf(stderr, "fuzz_router: an issued idToken does not "
		    "verify or has no sub: %.300s\n", jwt);
		abort();
	}
	json_object_put(claims);
}

static void
capture_walk(struct json_object *o)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			capture_walk(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, v) {
		const char *name = strcmp(k, "id_token") == 0 ? "idToken" :
		    strcmp(k, "refresh_token") == 0 ? "refreshToken" : k;

		/* The error envelope's "code" is the HTTP status. */
		if (strcmp(k, "error") == 0)
			continue;
		if (strcmp(name, "idToken") == 0 &&
		    json_object_is_type(v, json_type_string))
			check_id_token(json_object_get_string(v));
		if (json_object_is_type(v, json_type_string) ||
		    json_object_is_type(v, json_type_int)) {
			for (size_t i = 0; i < NCAPTURES; i++) {
				if (strcmp(capture_names[i], name) != 0)
					continue;
				free(captures[i]);
				captures[i] = strdup(json_object_get_string(v));
			}
		} else {
			capture_walk(v);
		}
	}
}

static const char *
capture_get(const char *name, size_t n)
{
	for (size_t i = 0; i < NCAPTURES; i++) {
		if (strlen(capture_names[i]) == n &&
		    memcmp(capture_names[i], name, n) == 0)
			return captures[i] ? captures[i] : "";
	}
	return NULL;
}

/* The current TOTP code for a base32 secret, or "" if it cannot be made. */
static void
totp_now(const char *secret, enum totp_alg alg, int digits, char *out)
{
	uint8_t key[TOTP_MAX_SECRET];
	ssize_t n = base32_decode(secret, key, sizeof(key));

	out[0] = '\0';
	if (n <= 0 || totp_hotp(key, (size_t)n, alg,
	    totp_step(clock_now_s(&emu->clock), 30), digits, out) != 0)
		out[0] = '\0';
}

/*
 * The n bytes at s with "{{name}}" replaced; malloc'd, NUL-terminated
 * (the body may hold NUL bytes, so the length goes to *outlen).
 */
static char *
substitute(const char *s, size_t n, size_t *outlen)
{
	size_t cap = n + 1, o = 0;
	char *out = malloc(cap), code[TOTP_MAX_DIGITS + 1];

	if (out == NULL)
		abort();
	for (size_t i = 0; i < n;) {
		const char *val = NULL, *end;

		if (n - i >= 4 && s[i] == '{' && s[i + 1] == '{' &&
		    (end = memmem(s + i + 2, n - i - 2, "}}", 2)) != NULL &&
		    end - (s + i + 2) <= 32) {
			const char *name = s + i + 2;
			size_t len = (size_t)(end - name);

			if (len == 4 && memcmp(name, "totp", 4) == 0) {
				const char *sec = capture_get("sharedSecretKey",
				    15);

				totp_now(sec && *sec ? sec : BOB_SECRET,
				    TOTP_SHA1, 6, code);
				val = code;
			} else if (len == 8 &&
			    memcmp(name, "response", 8) == 0) {
				val = nresponses > 0 && responses[nresponses -
				    1] ? responses[nresponses - 1] : "";
			} else if (len == 9 &&
			    memcmp(name, "response", 8) == 0 &&
			    name[8] >= '1' && name[8] <= '8') {
				int k = name[8] - '1';

				val = k < nresponses && responses[k] ?
				    responses[k] : "";
			} else if (len == 5 && memcmp(name, "totp8", 5) == 0) {
				totp_now(BOB_SECRET, TOTP_SHA256, 8, code);
				val = code;
			} else {
				val = capture_get(name, len);
			}
			if (val != NULL) {
				size_t vl = strlen(val);
				char *nb;

				if (o + vl + (n - i) + 1 > cap) {
					cap = o + vl + (n - i) + 1;
					if ((nb = realloc(out, cap)) == NULL)
						abort();
					out = nb;
				}
				memcpy(out + o, val, vl);
				o += vl;
				i += len + 4;
				continue;
			}
		}
		if (o + 2 > cap) {
			char *nb;

			cap = cap * 2 + 2;
			if ((nb = realloc(out, cap)) == NULL)
				abort();
			out = nb;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* "<<text>>" becomes base64url(text); n bytes in, malloc'd out. */
static char *
encode_b64(const char *s, size_t n, size_t *outlen)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = malloc(n * 2 + 1);
	size_t o = 0;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < n;) {
		const char *end;

		if (n - i >= 4 && s[i] == '<' && s[i + 1] == '<' &&
		    (end = memmem(s + i + 2, n - i - 2, ">>", 2)) != NULL) {
			const unsigned char *p = (const unsigned char *)s + i +
			    2;
			size_t len = (size_t)(end - (s + i + 2)), k;

			for (k = 0; k + 2 < len; k += 3) {
				uint32_t v = (uint32_t)p[k] << 16 |
				    (uint32_t)p[k + 1] << 8 | p[k + 2];

				out[o++] = a[v >> 18 & 63];
				out[o++] = a[v >> 12 & 63];
				out[o++] = a[v >> 6 & 63];
				out[o++] = a[v & 63];
			}
			if (len - k == 1) {
				out[o++] = a[p[k] >> 2];
				out[o++] = a[(p[k] & 3) << 4];
			} else if (len - k == 2) {
				uint32_t v = (uint32_t)p[k] << 8 | p[k + 1];

				out[o++] = a[v >> 10 & 63];
				out[o++] = a[v >> 4 & 63];
				out[o++] = a[(v & 15) << 2];
			}
			i += len + 4;
			continue;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Both stages: "{{name}}", then "<<text>>". */
static char *
expand(const char *s, size_t n, size_t *outlen)
{
	size_t mid;
	char *a = substitute(s, n, &mid);
	char *b = encode_b64(a, mid, outlen);

	free(a);
	return b;
}

/* ------------------------------------------------------------ parsing */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %-decoding in place, as MHD does for the path and the arguments. */
static void
unescape(char *s, int plus)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (plus && *r == '+') {
			*w++ = ' ';
		} else if (*r == '%' && hexval(r[1]) >= 0 &&
		    hexval(r[2]) >= 0) {
			*w++ = (char)(hexval(r[1]) * 16 + hexval(r[2]));
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* One request's pieces, all owned. */
struct script_req {
	char *method, *url;
	char *query;			/* split into pairs in place */
	const char *pairs[FUZZ_MAX_QUERY * 2 + 1];
	char *hdr[4];		/* content type, origin, auth, acrh */
	char *body;
	size_t body_len;
};

static const char *const header_names[4] = {
	"content-type", "origin", "authorization",
	"access-control-request-headers",
};

static void
script_req_free(struct script_req *r)
{
	free(r->method);
	free(r->url);
	free(r->query);
	for (int i = 0; i < 4; i++)
		free(r->hdr[i]);
	/* body is handed to the request, which frees it. */
}

static char *
dup_range(const char *s, size_t n)
{
	size_t len;

	return expand(s, n, &len);
}

/* Parse [s, s + n) into r; placeholders are substituted now. */
static void
parse_request(const char *s, size_t n, struct script_req *r)
{
	const char *nl = memchr(s, '\n', n), *sp, *q, *p, *end = s + n;
	size_t linelen = nl ? (size_t)(nl - s) : n, np = 0;
	char *line = dup_range(s, linelen);

	memset(r, 0, sizeof(*r));
	/* Request line: METHOD SP URL. */
	if ((sp = strchr(line, ' ')) != NULL) {
		r->method = strndup(line, (size_t)(sp - line));
		sp++;
	} else {
		r->method = strdup(line);
		sp = "/";
	}
	if ((q = strchr(sp, '?')) != NULL) {
		r->url = strndup(sp, (size_t)(q - sp));
		r->query = strdup(q + 1);
	} else {
		r->url = strdup(sp);
	}
	free(line);
	if (r->method == NULL || r->url == NULL)
		abort();
	unescape(r->url, 0);

	/* Query pairs: name[=value] joined by '&'. */
	for (char *a = r->query; a != NULL && np < FUZZ_MAX_QUERY;) {
		char *amp = strchr(a, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		if (*a != '\0') {
			if ((eq = strchr(a, '=')) != NULL)
				*eq = '\0';
			unescape(a, 1);
			if (eq != NULL)
				unescape(eq + 1, 1);
			r->pairs[2 * np] = a;
			r->pairs[2 * np + 1] = eq ? eq + 1 : NULL;
			np++;
		}
		a = amp ? amp + 1 : NULL;
	}
	r->pairs[2 * np] = NULL;

	/* Headers up to an empty line; the first of a name wins, as MHD's. */
	p = nl ? nl + 1 : end;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *colon;
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);

		if (len == 0 || (len == 1 && *p == '\r')) {
			p += len + 1;
			break;
		}
		colon = memchr(p, ':', len);
		if (colon != NULL) {
			size_t nlen = (size_t)(colon - p);

			for (int i = 0; i < 4; i++) {
				const char *v = colon + 1, *ve = p + len;

				if (nlen != strlen(header_names[i]) ||
				    strncasecmp(p, header_names[i], nlen) ||
				    r->hdr[i] != NULL)
					continue;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' ||
				    ve[-1] == '\t' || ve[-1] == '\r'))
					ve--;
				r->hdr[i] = dup_range(v, (size_t)(ve - v));
			}
		}
		p = e ? e + 1 : end;
	}
	if (p < end) {
		size_t blen;
		char *b = expand(p, (size_t)(end - p), &blen);

		/* As MHD hands it over: no body is NULL, else NUL-ended. */
		if (blen == 0) {
			free(b);
		} else {
			r->body = b;
			r->body_len = blen;
		}
	}
}

/* ------------------------------------------------------------ checks */

/* A claim the handlers read with json_object_get_int64, out of range. */
static int
huge_int_claim(struct json_object *claims, const char *name)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(claims, name, &v) || v == NULL)
		return 0;
	n = json_object_get_int64(v);
	return n > INT64_MAX / 1000 || n < INT64_MIN / 1000;
}

/*
 * Known findings F2 and F3 (README.md), both with --id-token-alg none,
 * where anyone can write an idToken: "iss" or "aud" JSON null crashes
 * account_verify_id_token_or_reply (strcmp on NULL), and an "iat" or
 * "auth_time" near the int64 limits overflows (iat * 1000, now -
 * auth_time). Such requests are skipped unless FUZZ_STRICT=1, so fuzzing
 * goes on past them.
 */
static int
known_f2_f3(const struct script_req *sr)
{
	struct json_object *body, *tok, *claims, *v;
	char err[64];
	int hit = 0;

	if (strict || emu != &variants[1].emu || sr->body == NULL)
		return 0;
	body = reqparse_json(sr->body, sr->body_len, err, sizeof(err));
	if (body != NULL && json_object_object_get_ex(body, "idToken", &tok) &&
	    json_object_is_type(tok, json_type_string) &&
	    (claims = tokens_read_unsigned_jwt(json_object_get_string(tok))) !=
	    NULL) {
		hit = (json_object_object_get_ex(claims, "iss", &v) &&
		    v == NULL) ||
		    (json_object_object_get_ex(claims, "aud", &v) && v == NULL);
		if (!hit && (huge_int_claim(claims, "iat") ||
		    huge_int_claim(claims, "auth_time")))
			hit = 3;
		json_object_put(claims);
	}
	json_object_put(body);
	if (hit && !f2_noted++)
		fprintf(stderr, "fuzz_router: known finding F%d: skipped an "
		    "unsigned idToken with %s (FUZZ_STRICT=1 runs it)\n",
		    hit == 3 ? 3 : 2, hit == 3 ? "an out-of-range iat or "
		    "auth_time" : "a null iss or aud");
	return hit;
}

/* JSON apart from its UTF-8: json-c without the UTF-8 check accepts it. */
static int
bad_utf8_only(const struct request *req)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	int ok;

	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, req->response,
	    (int)req->response_len);
	ok = obj != NULL && json_object_is_type(obj, json_type_object) &&
	    json_tokener_get_parse_end(tok) == req->response_len &&
	    !reqparse_valid_utf8(req->response, req->response_len);
	json_object_put(obj);
	json_tokener_free(tok);
	return ok;
}

static void
check_response(const struct request *req, int faults_set)
{
	struct json_object *obj;
	char err[256];

	if (req->drop) {
		if (!faults_set)
			fail("dropped without a fault rule", req);
		return;
	}
	if (req->status < 200 || req->status > 599)
		fail("no reply or a status outside 2xx-5xx", req);
	if (req->status >= 500 && !faults_set)
		fail("5xx reply", req);
	if (req->status == 204)
		return;
	if (req->response == NULL)
		fail("no response body", req);
	obj = reqparse_json(req->response, req->response_len, err,
	    sizeof(err));
	if (obj == NULL && bad_utf8_only(req)) {
		/* Known finding F1 (README.md): tolerated unless strict. */
		if (strict)
			fail("response is not valid UTF-8 (finding F1)", req);
		if (!f1_noted++)
			fprintf(stderr, "fuzz_router: known finding F1: a "
			    "reply echoes request bytes that are not UTF-8 "
			    "(FUZZ_STRICT=1 fails on it)\n");
		return;
	}
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		fprintf(stderr, "fuzz_router: %s\n", obj ? "not an object" :
		    err);
		fail("response is not one JSON object in valid UTF-8", req);
	}
	capture_walk(obj);
	json_object_put(obj);
}

/* Keep the body for "{{response}}" (also errors and 204s, as ""). */
static void
keep_response(const struct request *req)
{
	if (nresponses < FUZZ_MAX_REQUESTS)
		responses[nresponses++] = strdup(req->response ?
		    req->response : "");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	struct variant *v = &variants[0];
	int nreq = 0;

	if (runs++ % reset_every == 0) {
		for (size_t i = 0; i < 2; i++)
			if (variants[i].dirty)
				reset(&variants[i]);
	}
	if (size >= 3 && memcmp(s, "@B\n", 3) == 0) {
		v = &variants[1];
		s += 3;
	}
	v->dirty = 1;
	emu = &v->emu;
	capture_clear();
	while (s <= end && nreq < FUZZ_MAX_REQUESTS) {
		const char *sep = memmem(s, (size_t)(end - s), SEPARATOR,
		    sizeof(SEPARATOR) - 1);
		const char *e = sep ? sep : end;
		struct script_req sr;
		struct request *req;
		int faults_set, prune;

		parse_request(s, (size_t)(e - s), &sr);
		prune = strcmp(sr.method, "PRUNE") == 0;
		if (prune || known_f2_f3(&sr)) {
			if (prune)
				emu_prune(emu);
			free(sr.body);
			if (nresponses < FUZZ_MAX_REQUESTS)
				responses[nresponses++] = strdup("");
		} else {
			if ((req = calloc(1, sizeof(*req))) == NULL)
				abort();
			req->emu = emu;
			req->method = sr.method;
			req->url = sr.url;
			req->query_pairs = sr.pairs;
			req->content_type = sr.hdr[0];
			req->origin = sr.hdr[1];
			req->authorization = sr.hdr[2];
			req->acr_headers = sr.hdr[3];
			req->body = sr.body;
			req->body_len = sr.body_len;
			faults_set = faults_any(&emu->faults);
			http_server_run(&router_app, req);
			if (trace)
				fprintf(stderr, "> %s %s (%zu body bytes)\n"
				    "< %u %s\n", req->method, req->url,
				    req->body_len, req->status,
				    req->response ? req->response : "");
			check_response(req, faults_set ||
			    faults_any(&emu->faults));
			keep_response(req);
			http_server_request_free(req);
		}
		script_req_free(&sr);
		nreq++;
		if (sep == NULL)
			break;
		s = sep + sizeof(SEPARATOR) - 1;
	}
	capture_clear();
	return 0;
}
