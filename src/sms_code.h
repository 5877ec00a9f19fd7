/* SMS verification codes (phone numbers are phone.h's). */
#ifndef MFAEMU_SMS_CODE_H
#define MFAEMU_SMS_CODE_H

#define SMS_CODE_DIGITS 6
#define SMS_CODE_MAX_DIGITS 8

/*
 * A uniformly random code of `digits` (4-8) decimal digits from the
 * CSPRNG; out needs digits + 1 bytes. Returns 0 or -1.
 */
int sms_code_generate(char *out, unsigned digits);

/* 1 when `s` is exactly 6 decimal digits (the shape of a code). */
int sms_code_valid_code(const char *s);

/* 1 when the codes are equal; constant time in the length of `expected`. */
int sms_code_equal(const char *expected, const char *given);

#endif
