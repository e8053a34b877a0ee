/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libcrypto (OpenSSL), for SHA-256 and SHA-512, loaded on first use. */
#include "config.h"

#define LAZY_CRYPTO_SELF
#include "util/lazy_crypto.h"

LAZY_CRYPTO_SYMS(LAZY_DEFINE)

static const struct lazy_sym lazy_crypto_syms[] = {
	LAZY_CRYPTO_SYMS(LAZY_ENTRY)
};

static struct lazy_lib lazy_crypto_lib = {
	LAZY_SONAME_CRYPTO, "libssl3",
	"checksums", lazy_crypto_syms,
	sizeof lazy_crypto_syms / sizeof lazy_crypto_syms[0], NULL
};

int
lazy_crypto_load(char **cause)
{
	return (lazy_load(&lazy_crypto_lib, cause));
}
