// SPDX-License-Identifier: MIT
/* Fuzz target: /dev/kmsg record parser, text-log prefix stripper, \xNN unescaping. */
#include <stdint.h>
#include <string.h>

#include "kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct kmsg_record rec;
	struct log_line l;
	char out[256];

	if (kmsg_parse_record(s, size, &rec) == 0) {
		/* text must lie inside the input */
		if (rec.text < s || rec.text + rec.len > s + size)
			__builtin_trap();
		kmsg_unescape(rec.text, rec.len, out, sizeof(out));
	}
	kmsg_strip_prefix(s, size, &l);
	if (l.text < s || l.text + l.len > s + size)
		__builtin_trap();
	if (kmsg_unescape(s, size, out, sizeof(out)) >= sizeof(out))
		__builtin_trap();
	kmsg_unescape(s, size, out, 1);
	return 0;
}
