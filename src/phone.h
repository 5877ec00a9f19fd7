/* Phone numbers: the E.164 shape mfaemu accepts and how it shows them. */
#ifndef MFAEMU_PHONE_H
#define MFAEMU_PHONE_H

/* 1 when `s` is E.164: '+', a non-zero digit, up to 15 digits in all. */
int phone_valid(const char *s);

/*
 * The phone number as Google shows it in mfaInfo: all digits but the last
 * four replaced by '*'. `out` needs strlen(phone) + 1 bytes.
 */
void phone_obfuscate(const char *phone, char *out);

#endif
