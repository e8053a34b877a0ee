/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a distribution's checksum file (SHA256SUMS, CHECKSUM,
 * SHA512), as the network gives it. The first line names the file asked
 * for; the rest is the checksum file.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "images/download.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*text, *nl, hex[DOWNLOAD_HASH_HEX], *cause = NULL;
	size_t	 n;

	text = malloc(len + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, len);
	text[len] = '\0';
	if ((nl = strchr(text, '\n')) == NULL) {
		free(text);
		return (0);
	}
	*nl = '\0';
	if (download_checksum_parse(nl + 1, text, hex, &cause) == 0) {
		n = strlen(hex);
		if (n != 64 && n != 128)
			abort();
		while (n-- > 0) {
			if (!isxdigit((unsigned char)hex[n]) ||
			    isupper((unsigned char)hex[n]))
				abort();
		}
	} else
		free(cause);
	free(text);
	return (0);
}
