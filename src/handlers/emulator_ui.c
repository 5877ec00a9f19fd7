/*
 * GET /emulator/ui/ and its files: the web inspector, compiled into the
 * binary (src/ui, tools/embed_ui.py). The files hold no data, so they are
 * served without the control token (the page asks for it); they carry no
 * CORS header, and the page may only be framed by itself.
 */
#include <string.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"
#include "ui_assets.h"

#define UI_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; form-action 'none'; " \
	"base-uri 'none'; frame-ancestors 'none'"

static const struct ui_asset *
ui_find(const char *name)
{
	for (size_t i = 0; i < ui_assets_count; i++) {
		if (strcmp(ui_assets[i].name, name) == 0)
			return &ui_assets[i];
	}
	return NULL;
}

static void
ui_send(struct request *req, const struct ui_asset *a)
{
	req->no_cors = true;
	reply_add_header(req, "Cache-Control", "no-cache");
	reply_add_header(req, "X-Content-Type-Options", "nosniff");
	reply_add_header(req, "Content-Security-Policy", UI_CSP);
	reply_add_header(req, "X-Frame-Options", "DENY");
	reply_add_header(req, "Referrer-Policy", "no-referrer");
	reply_raw(req, 200, a->content_type, (const char *)a->data, a->len);
}

/* GET /emulator/ui: the page lives at /emulator/ui/ (relative links). */
void
emulator_ui_redirect(struct request *req)
{
	req->no_cors = true;
	reply_add_header(req, "Location", "/emulator/ui/");
	reply_raw(req, 301, "text/plain; charset=utf-8", "/emulator/ui/\n",
	    14);
}

void
emulator_ui_index(struct request *req)
{
	const struct ui_asset *a = ui_find("index.html");

	if (a == NULL) {
		reply_error(req, ERR_NOT_FOUND, "the inspector was not built");
		return;
	}
	ui_send(req, a);
}

void
emulator_ui_asset(struct request *req)
{
	const struct ui_asset *a = ui_find(req->captures[0]);

	if (a == NULL) {
		reply_error(req, ERR_NOT_FOUND, "no file %.100s in the "
		    "inspector", req->captures[0]);
		return;
	}
	ui_send(req, a);
}
