/* SMS verification codes and the phone numbers they go to. */
#ifndef MFAEMU_SMS_CODE_H
#define MFAEMU_SMS_CODE_H

#define SMS_CODE_DIGITS 6

/* A uniformly random 6-digit code from the CSPRNG; out needs 7 bytes. */
int sms_code_generate(char *out);

/* 1 when `s` is E.164: '+', a non-zero digit, up to 15 digits in all. */
int sms_code_valid_phone(const char *s);

/* 1 when `s` is exactly 6 decimal digits (the shape of a code). */
int sms_code_valid_code(const char *s);

/* 1 when the codes are equal; constant time in the length of `expected`. */
int sms_code_equal(const char *expected, const char *given);

/*
 * The phone number as Google shows it in mfaInfo: all digits but the last
 * four replaced by '*'. `out` needs strlen(phone) + 1 bytes.
 */
void sms_code_obfuscate(const char *phone, char *out);

#endif
