# SPDX-License-Identifier: GPL-2.0-or-later
# An OVA appliance built in a test. Source after common.sh.

# ova_build DIR QCOW2 OVA NAME CPUS MEMORY_MB [mf]: OVA holds an OVF for a
# system NAME (CPUS, MEMORY_MB, a SCSI disk, an e1000 NIC) and QCOW2 as a
# streamOptimized VMDK, built in DIR; with "mf", a SHA256 manifest too.
ova_build() {
	mkdir -p "$1"
	qemu-img convert -f qcow2 -O vmdk -o subformat=streamOptimized \
	    "$2" "$1/appl-disk1.vmdk" || fail "qemu-img convert to vmdk"
	cat >"$1/appl.ovf" <<OVF
<?xml version="1.0" encoding="UTF-8"?>
<Envelope ovf:version="1.0" xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References>
    <File ovf:id="file1" ovf:href="appl-disk1.vmdk"/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:capacity="64" ovf:capacityAllocationUnits="byte * 2^20"
        ovf:diskId="vmdisk1" ovf:fileRef="file1"
        ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <VirtualSystem ovf:id="$4">
    <Info>A test appliance</Info>
    <VirtualHardwareSection>
      <Info>Hardware</Info>
      <Item>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>$5</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>$6</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceType>20</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
OVF
	if [ "${7:-}" = mf ]; then
		(cd "$1" && sha256sum appl.ovf appl-disk1.vmdk |
		    sed 's/^\([0-9a-f]*\)  \(.*\)$/SHA256(\2)= \1/' \
		    >appl.mf) || fail "the OVA's manifest"
		(cd "$1" && tar -cf "$3" appl.ovf appl.mf appl-disk1.vmdk) ||
		    fail "tar of the OVA"
	else
		(cd "$1" && tar -cf "$3" appl.ovf appl-disk1.vmdk) ||
		    fail "tar of the OVA"
	fi
}
