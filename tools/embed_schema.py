#!/usr/bin/env python3
"""Compile schema/NNN_name.sql migrations into C, in file-name order.

Each file becomes a byte array (ISO C caps string literals at 4095 bytes).
"""
import os
import sys

out, inputs = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)
with open(out, 'w', encoding='utf-8') as f:
    f.write('/* Generated from the schema folder by tools/embed_schema.py. */\n')
    f.write('#include <stddef.h>\n#include "store_schema.h"\n\n')
    for i, path in enumerate(inputs):
        data = open(path, 'rb').read() + b'\0'
        f.write('static const char migration_%d[] = {\n' % i)
        for j in range(0, len(data), 16):
            f.write('\t' + ', '.join('%d' % b for b in data[j:j + 16]) + ',\n')
        f.write('};\n\n')
    f.write('const struct store_migration store_migrations[] = {\n')
    for i, path in enumerate(inputs):
        f.write('\t{ "%s", migration_%d },\n' % (os.path.basename(path), i))
    f.write('};\n')
    f.write('const size_t store_migrations_count = %d;\n' % len(inputs))
