#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/test_env.h"
#include "config.h"
#include "emu.h"
#include "file.h"
#include "fuzz_common.h"
#include "log.h"

#ifndef FUZZ_SOURCE_ROOT
#define FUZZ_SOURCE_ROOT "."
#endif

/* Generated for the fuzzers with openssl genrsa; protects nothing. */
const char fuzz_key_pem[] =
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIIEoQIBAAKCAQEAlFGB2UuFiGejKIFUnmSBOEOlWVzcrW/W4izV3CPlI6XCkkrQ\n"
	"XjQnQxRdeaEvVXPya/v2k1MDW1TGF1Ew+Pp9QkEoECzqwRxG7Y/YYrPiTB6ZbzYC\n"
	"SJRmNHBoqpNIU5U4xPmAbxbFrYJY23GNHS5cb8D3YoaGulZSwasP/jHhxyXPFb/o\n"
	"CGAlOm0/7/c6VuwLJCcuwZzRNslKhTuch+Zm23QWo7HP3eHo9Po+QRLFwe+qB60p\n"
	"QyvXQrlGRYeWYWtM5+od//v6qhyLp3oiEnhx+6W86xmGgr/+Gv2Rw+gQiL6maZ/f\n"
	"0ZjhiIYWdzFTwIajNv/EC9q1jyrPlMIsV4lNfwIDAQABAoH/MXfIVzEdlu0R1E/p\n"
	"M5GlQC2u74FrocZbHcE1tqrFKi1vZ21usoummJgpU5p35KYpkP5AAMVS6yZAXJ5b\n"
	"hH+QI8dt2cekYNX4uk8ZCVt+vGGn7t3QJqZ1/w1nBRIsUcwc/F/bwLpdmU6np6cF\n"
	"K048Ss4gQ2XiZfZer5iuueDRafZUCphLxrAfJkNKqWssTpqHxMHeSswuSZSjW3zD\n"
	"r22VClLMhbuE5m923tsH11E5db6JsbfORW5MiGCh3rxKnFwxDSO6AhCW7bwRWEp6\n"
	"pUNN6TwrghXVXGKD0VHSCeyLaiNwgJSoB8Oe5udz1BQe3HcxEJdArLwoCpwoBxWZ\n"
	"wgq5AoGBAMQC+RAZWssfFVLwQiihzge/HQM0jjWKkXzoJQ0UeZ0ZKQPFaxiP/k14\n"
	"dBVR+pmJ6gcrpu1oCFpg0vo5h1go2GialQSZ+NFKVb8YeLhTCiawAx3R6yOy4SWH\n"
	"1y1gCSBNh44M1iB8kxo4YjuciGYmeFUJrYOrRvCxdd3MCdGeL5jHAoGBAMG14zi3\n"
	"iC+boymkgJtv/Z/283tp3u007zKE5oCjsPINCzuzuABUDoMJWmySSqHjMGt41q49\n"
	"TRQNt28ty9APpKv8FabZTXnbnVKc69ZuqNcQJS9dcecazKLn8fZVXfBd1+czsZmF\n"
	"egM7mdmQcp/3wPW+IeuzRlsrPtzWQeNoLh2JAoGAMuFirZ8nRlrHOkRLqCh4RuKB\n"
	"MXfPAm753SaVl5OdDf6d+vCgIDwgkxOVboNdPcXjDgFyz2WV5YAExBdy3pubsWuP\n"
	"Cya8w/c70uMTUyWbGPfPl0oKc7XXY9qjLJAlTlFRwrnqS3yK4t+IAFldvsZ1rf1Z\n"
	"ITiwrYIjSnPQiK07RbkCgYBF4rUjVTOQ2Xm4IF01tuWtvI6DS+LdeWeCtmfiqSvB\n"
	"Z+tRkrkjhS/nHoy89tpuJWTmoSXynrMcNQak2cTaP4qNcdjt5SAKgqzzjSGYrzvC\n"
	"u1RvDit10Tla3Ity78GAYpruErxUQs+OMwaCc5anF99JyVq7imYrpiJ70eDbhk58\n"
	"4QKBgQC2fgeYy53msqhuJ5czDzvYSFYDhMEgcnNpywTrSQv2vbi2y1NfGZmB6ZNI\n"
	"f58s0ykAnDvJmbQPgc588Ac8fZQKIBc13eaYXuV/RUGFN4GH1utfJC8RMK0tkypr\n"
	"RSeD1O+udBhrsAdFcPM3UDaoT52soYaJKlLm5mRknpB5j1xCHg==\n"
	"-----END RSA PRIVATE KEY-----\n"
;

void
fuzz_quiet(void)
{
	test_env_clear();
	log_set_level(LOG_ERROR);
}

char *
fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

const char *
fuzz_source_root(void)
{
	const char *r = getenv("FUZZ_SOURCE_ROOT");

	return r != NULL && *r != '\0' ? r : FUZZ_SOURCE_ROOT;
}

char *
fuzz_read_file(const char *path, size_t *len)
{
	char err[512], *buf;

	if ((buf = file_read_all(path, 64u << 20, len, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	return buf;
}

void
fuzz_emu_open(struct emu *emu, int argc, char **argv)
{
	char keypath[] = "/tmp/mfaemu-fuzz-key-XXXXXX";
	char **args = calloc((size_t)argc + 3, sizeof(*args));
	struct config cfg;
	char err[512];
	FILE *f;
	int fd;

	if (args == NULL || (fd = mkstemp(keypath)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL ||
	    fputs(fuzz_key_pem, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write the key file\n");
		abort();
	}
	memcpy(args, argv, (size_t)argc * sizeof(*args));
	args[argc] = (char *)"--signing-key";
	args[argc + 1] = keypath;
	memset(&cfg, 0, sizeof(cfg));
	if (config_load(&cfg, argc + 2, args, err, sizeof(err)) != CONFIG_OK) {
		fprintf(stderr, "fuzz: config: %s\n", err);
		abort();
	}
	/* config_load may have read a level from the flags; stay quiet. */
	log_set_level(LOG_ERROR);
	if (emu_open(emu, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: emu_open: %s\n", err);
		abort();
	}
	unlink(keypath);
	free(args);
}
