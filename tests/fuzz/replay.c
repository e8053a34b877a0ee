/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Without libFuzzer: run a fuzz target once over each file named, so the
 * seed corpus and every crash found so far replay in make check (gcc too).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	FILE	*f;
	uint8_t	*buf;
	long	 len;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) != 0) {
			perror(argv[i]);
			return (1);
		}
		if ((buf = malloc(len + 1)) == NULL ||
		    fread(buf, 1, len, f) != (size_t)len) {
			perror(argv[i]);
			return (1);
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return (0);
}
