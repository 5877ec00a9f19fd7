#!/usr/bin/env python3
"""Compile the web inspector's files (src/ui/*) into C: one byte array each,
with its name and content type, for src/handlers/emulator_ui.c to serve.

Usage: embed_ui.py OUT.c FILE...  (ISO C caps string literals at 4095
bytes, hence arrays; the bytes are kept as they are, uncompressed.)
"""
import os
import sys

TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.txt': 'text/plain; charset=utf-8',
}

out, inputs = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)
with open(out, 'w', encoding='utf-8') as f:
    f.write('/* Generated from src/ui by tools/embed_ui.py. */\n')
    f.write('#include <stddef.h>\n#include "ui_assets.h"\n\n')
    for i, path in enumerate(inputs):
        data = open(path, 'rb').read()
        f.write('static const unsigned char asset_%d[] = {\n' % i)
        for j in range(0, len(data), 16):
            f.write('\t' + ', '.join('%d' % b for b in data[j:j + 16]) + ',\n')
        f.write('};\n\n')
    f.write('const struct ui_asset ui_assets[] = {\n')
    for i, path in enumerate(inputs):
        name = os.path.basename(path)
        ctype = TYPES.get(os.path.splitext(name)[1], 'application/octet-stream')
        f.write('\t{ "%s", "%s", asset_%d, sizeof(asset_%d) },\n'
                % (name, ctype, i, i))
    f.write('};\n')
    f.write('const size_t ui_assets_count = %d;\n' % len(inputs))
