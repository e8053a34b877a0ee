/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libxml2, for the OVF of OVA appliances, loaded on first use. */
#include "config.h"

#define LAZY_XML_SELF
#include "util/lazy_xml.h"

LAZY_XML_SYMS(LAZY_DEFINE)
__typeof__(xmlFree) *lazy_xmlFree;

static const struct lazy_sym lazy_xml_syms[] = {
	LAZY_XML_SYMS(LAZY_ENTRY)
	{ "xmlFree", (void **)&lazy_xmlFree },
};

static struct lazy_lib lazy_xml_lib = {
	LAZY_SONAME_XML, "libxml2",
	"OVA appliances", lazy_xml_syms,
	sizeof lazy_xml_syms / sizeof lazy_xml_syms[0], NULL
};

int
lazy_xml_load(char **cause)
{
	return (lazy_load(&lazy_xml_lib, cause));
}
