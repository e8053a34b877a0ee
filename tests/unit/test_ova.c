/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/ova: reading OVF descriptors, good and bad. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ops/ova.h"

#define OVF_HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<Envelope ovf:version=\"1.0\" " \
	"xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" " \
	"xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\" " \
	"xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/" \
	"CIM_ResourceAllocationSettingData\">\n"

/* VirtualBox's shape: SATA controller, units as powers of two. */
static const char ovf_vbox[] = OVF_HEAD
	"<References>\n"
	"  <File ovf:id=\"file1\" ovf:href=\"web-disk001.vmdk\"/>\n"
	"  <File ovf:id=\"file2\" ovf:href=\"web-disk002.vmdk\"/>\n"
	"</References>\n"
	"<DiskSection><Info>disks</Info>\n"
	"  <Disk ovf:capacity=\"8\" ovf:capacityAllocationUnits=\"byte * 2^30\""
	" ovf:diskId=\"vmdisk1\" ovf:fileRef=\"file1\"/>\n"
	"  <Disk ovf:capacity=\"1048576\" ovf:diskId=\"vmdisk2\" "
	"ovf:fileRef=\"file2\"/>\n"
	"</DiskSection>\n"
	"<VirtualSystem ovf:id=\"web server\">\n"
	"  <Info>A VM</Info>\n"
	"  <VirtualHardwareSection>\n"
	"    <Item><rasd:InstanceID>1</rasd:InstanceID>"
	"<rasd:ResourceType>3</rasd:ResourceType>"
	"<rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>\n"
	"    <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>"
	"<rasd:InstanceID>2</rasd:InstanceID>"
	"<rasd:ResourceType>4</rasd:ResourceType>"
	"<rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>\n"
	"    <Item><rasd:InstanceID>5</rasd:InstanceID>"
	"<rasd:ResourceSubType>AHCI</rasd:ResourceSubType>"
	"<rasd:ResourceType>20</rasd:ResourceType></Item>\n"
	"    <Item><rasd:HostResource>/disk/vmdisk1</rasd:HostResource>"
	"<rasd:InstanceID>6</rasd:InstanceID><rasd:Parent>5</rasd:Parent>"
	"<rasd:ResourceType>17</rasd:ResourceType></Item>\n"
	"    <Item><rasd:InstanceID>7</rasd:InstanceID>"
	"<rasd:ResourceSubType>E1000</rasd:ResourceSubType>"
	"<rasd:ResourceType>10</rasd:ResourceType></Item>\n"
	"    <Item><rasd:InstanceID>8</rasd:InstanceID>"
	"<rasd:ResourceSubType>virtio</rasd:ResourceSubType>"
	"<rasd:ResourceType>10</rasd:ResourceType></Item>\n"
	"  </VirtualHardwareSection>\n"
	"</VirtualSystem>\n"
	"</Envelope>\n";

/* VMware's shape: a Name, MegaBytes, an IDE controller. */
static const char ovf_vmware[] = OVF_HEAD
	"<References><File ovf:href=\"app-1.vmdk\" ovf:id=\"f1\" "
	"ovf:size=\"1000\"/></References>\n"
	"<DiskSection><Disk ovf:diskId=\"d1\" ovf:fileRef=\"f1\" "
	"ovf:capacity=\"64\" ovf:capacityAllocationUnits=\"MegaBytes\"/>"
	"</DiskSection>\n"
	"<VirtualSystemCollection ovf:id=\"c\"><VirtualSystem ovf:id=\"x\">"
	"<Name>Appliance</Name>\n"
	"<VirtualHardwareSection>\n"
	"<Item><rasd:ResourceType>4</rasd:ResourceType>"
	"<rasd:VirtualQuantity>256</rasd:VirtualQuantity>"
	"<rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits></Item>\n"
	"<Item><rasd:InstanceID>3</rasd:InstanceID>"
	"<rasd:ResourceType>5</rasd:ResourceType></Item>\n"
	"<Item><rasd:HostResource>ovf:/disk/d1</rasd:HostResource>"
	"<rasd:Parent>3</rasd:Parent>"
	"<rasd:ResourceType>17</rasd:ResourceType></Item>\n"
	"<vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" "
	"vmw:value=\"efi\" xmlns:vmw=\"http://www.vmware.com/schema/ovf\"/>\n"
	"</VirtualHardwareSection></VirtualSystem></VirtualSystemCollection>\n"
	"</Envelope>\n";

static void
test_ova_parse_vbox(void **state)
{
	struct ova_spec	*s;
	char		*cause = NULL, *name;

	s = ova_parse(ovf_vbox, strlen(ovf_vbox), &cause);
	if (s == NULL)
		fail_msg("%s", cause);
	assert_string_equal(s->name, "web server");
	assert_int_equal(s->cpus, 2);
	assert_int_equal(s->memory, 1024ULL << 20);
	assert_int_equal(s->ndisks, 2);
	assert_string_equal(s->disks[0].href, "web-disk001.vmdk");
	assert_int_equal(s->disks[0].capacity, 8ULL << 30);
	assert_int_equal(s->disks[0].bus, VM_BUS_SATA);
	assert_string_equal(s->disks[1].href, "web-disk002.vmdk");
	assert_int_equal(s->disks[1].capacity, 1048576);
	assert_int_equal(s->nnics, 2);
	assert_int_equal(s->nic_model, VM_NIC_VIRTIO);
	assert_int_equal(s->firmware, VM_FIRMWARE_BIOS);
	name = ova_vm_name(s->name);
	assert_string_equal(name, "web-server");
	free(name);
	ova_spec_free(s);
}

static void
test_ova_parse_vmware(void **state)
{
	struct ova_spec	*s;
	char		*cause = NULL;

	s = ova_parse(ovf_vmware, strlen(ovf_vmware), &cause);
	if (s == NULL)
		fail_msg("%s", cause);
	assert_string_equal(s->name, "Appliance");
	assert_int_equal(s->cpus, 0);
	assert_int_equal(s->memory, 256ULL << 20);
	assert_int_equal(s->ndisks, 1);
	assert_int_equal(s->disks[0].capacity, 64ULL << 20);
	assert_int_equal(s->disks[0].bus, VM_BUS_IDE);
	assert_int_equal(s->nnics, 0);
	assert_int_equal(s->firmware, VM_FIRMWARE_UEFI);
	ova_spec_free(s);
}

/* Replace the first "from" of the vbox OVF with "to", and parse it. */
static char *
test_ova_bad(const char *base, const char *from, const char *to)
{
	struct ova_spec	*s;
	const char	*p;
	char		*text, *cause = NULL;

	p = strstr(base, from);
	assert_non_null(p);
	text = malloc(strlen(base) + strlen(to) + 1);
	assert_non_null(text);
	memcpy(text, base, (size_t)(p - base));
	strcpy(text + (p - base), to);
	strcat(text, p + strlen(from));
	s = ova_parse(text, strlen(text), &cause);
	free(text);
	if (s != NULL)
		fail_msg("'%s' for '%s' accepted", to, from);
	assert_non_null(cause);
	return (cause);
}

static void
test_ova_parse_bad(void **state)
{
	static const struct {
		const char	*from, *to, *want;
	} bad[] = {
		{ "</DiskSection>", "</DiskSectio>",
		  "not well-formed XML (line " },
		{ "<Envelope ", "<Nope ", "" },
		{ "ovf:fileRef=\"file2\"", "ovf:fileRef=\"file9\"",
		  "names file 'file9', which References lacks" },
		{ "web-disk001.vmdk", "../../etc/passwd",
		  "'../../etc/passwd' is not a plain member name" },
		{ "web-disk001.vmdk", "http://evil/x.vmdk",
		  "not a plain member name" },
		{ "byte * 2^20", "furlongs",
		  "memory '1024' (units 'furlongs')" },
		{ "<rasd:VirtualQuantity>2<", "<rasd:VirtualQuantity>0<",
		  "CPU count '0'" },
		{ "byte * 2^30", "byte * 3^30", "capacity '8'" },
		{ "/disk/vmdisk1", "/disk/vmdisk7", "'/disk/vmdisk7', which "
		  "DiskSection lacks" },
		{ "<VirtualSystem ovf:id=\"web server\">", "<Other>",
		  "not well-formed" },
		{ "ovf:diskId=\"vmdisk2\" ", "", "lacks ovf:diskId" },
	};
	char	*cause;
	size_t	 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = test_ova_bad(ovf_vbox, bad[i].from, bad[i].to);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", bad[i].to, cause,
			    bad[i].want);
		free(cause);
	}
}

static void
test_ova_parse_not_ovf(void **state)
{
	static const char	*bad[] = {
		"", "not xml at all", "<a><b></a>",
		"<?xml version=\"1.0\"?><html/>",
		"<?xml version=\"1.0\"?><Envelope><References/></Envelope>",
	};
	static const char	*want[] = {
		"not well-formed", "not well-formed", "not well-formed",
		"its root element is 'html'", "no VirtualSystem",
	};
	struct ova_spec		*s;
	char			*cause;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		s = ova_parse(bad[i], strlen(bad[i]), &cause);
		if (s != NULL)
			fail_msg("'%s' accepted", bad[i]);
		if (strstr(cause, want[i]) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", bad[i], cause,
			    want[i]);
		free(cause);
	}
}

/* Entities are never expanded: a "billion laughs" stays small. */
static void
test_ova_parse_entities(void **state)
{
	static const char	 text[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE Envelope [\n"
	    "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    "]>\n"
	    "<Envelope><VirtualSystem ovf:id=\"x\"><Name>&g;</Name>"
	    "<VirtualHardwareSection/></VirtualSystem></Envelope>\n";
	struct ova_spec		*s;
	char			*cause = NULL;

	s = ova_parse(text, strlen(text), &cause);
	if (s != NULL) {
		assert_true(strlen(s->name) < 4096);
		ova_spec_free(s);
	} else
		free(cause);
}

/* VirtualBox says UEFI inside its own Machine element. */
static void
test_ova_parse_vbox_efi(void **state)
{
	static const char	 from[] = "</VirtualHardwareSection>";
	static const char	 to[] = "</VirtualHardwareSection>"
	    "<vbox:Machine xmlns:vbox=\"http://www.virtualbox.org/ovf/"
	    "machine\"><Hardware><Firmware type=\"EFI\"/></Hardware>"
	    "</vbox:Machine>";
	struct ova_spec		*s;
	const char		*p;
	char			*text, *cause = NULL;

	p = strstr(ovf_vbox, from);
	assert_non_null(p);
	text = malloc(sizeof ovf_vbox + sizeof to);
	assert_non_null(text);
	memcpy(text, ovf_vbox, (size_t)(p - ovf_vbox));
	strcpy(text + (p - ovf_vbox), to);
	strcat(text, p + strlen(from));
	s = ova_parse(text, strlen(text), &cause);
	free(text);
	if (s == NULL)
		fail_msg("%s", cause);
	assert_int_equal(s->firmware, VM_FIRMWARE_UEFI);
	ova_spec_free(s);
}

static void
test_ova_vm_name(void **state)
{
	char	*n;

	n = ova_vm_name("My Appliance (v2)");
	assert_string_equal(n, "My-Appliance--v2-");
	free(n);
	n = ova_vm_name("..hidden");
	assert_string_equal(n, "hidden");
	free(n);
	assert_null(ova_vm_name(""));
	assert_null(ova_vm_name(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ova_parse_vbox),
		cmocka_unit_test(test_ova_parse_vmware),
		cmocka_unit_test(test_ova_parse_bad),
		cmocka_unit_test(test_ova_parse_not_ovf),
		cmocka_unit_test(test_ova_parse_entities),
		cmocka_unit_test(test_ova_parse_vbox_efi),
		cmocka_unit_test(test_ova_vm_name),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
