/*
 * The web inspector's files (src/ui/), compiled into the binary by
 * tools/embed_ui.py: nothing is read from disk or the network to serve it.
 */
#ifndef MFAEMU_UI_ASSETS_H
#define MFAEMU_UI_ASSETS_H

#include <stddef.h>

struct ui_asset {
	const char *name;		/* "app.js": the path under /emulator/ui/ */
	const char *content_type;
	const unsigned char *data;
	size_t len;
};

extern const struct ui_asset ui_assets[];
extern const size_t ui_assets_count;

#endif
