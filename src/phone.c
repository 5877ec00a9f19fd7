#include <string.h>

#include "phone.h"

int
phone_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (s++; *s != '\0'; s++, n++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return n >= 2 && n <= 15;
}

void
phone_obfuscate(const char *phone, char *out)
{
	size_t n = strlen(phone), digits = 0;

	for (size_t i = n; i > 0; i--) {
		char c = phone[i - 1];

		if (c >= '0' && c <= '9' && ++digits > 4)
			c = '*';
		out[i - 1] = c;
	}
	out[n] = '\0';
}
