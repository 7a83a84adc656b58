import { Construct } from "constructs";
import { CoreInternetGateway, CoreRouteTable, CoreSecurityList, CoreSubnet, CoreVcn } from "./provider/oci-resources";

export interface ProxyNetworkProps {
  compartmentId: string;
  namePrefix: string;
}

/**
 * A VCN with one regional public subnet and an internet gateway: the layout the OCI
 * Functions quick start uses. The functions reach OCI Generative AI (in any region),
 * Object Storage and Vault through the internet gateway; the API gateway gets a public
 * endpoint in the same subnet. Ingress is HTTPS (443) only. Bring your own subnet
 * (ociSubnetOcid) for anything else, e.g. a private subnet with NAT and service gateways.
 */
export class ProxyNetwork extends Construct {
  readonly subnet: CoreSubnet;

  constructor(scope: Construct, id: string, props: ProxyNetworkProps) {
    super(scope, id);
    const compartment_id = props.compartmentId;
    const vcn = new CoreVcn(this, "vcn", {
      compartment_id,
      display_name: `${props.namePrefix}-vcn`,
      cidr_blocks: ["10.0.0.0/16"],
      dns_label: dnsLabel(props.namePrefix),
    });
    const gateway = new CoreInternetGateway(this, "internet-gateway", {
      compartment_id,
      vcn_id: vcn.id,
      display_name: `${props.namePrefix}-igw`,
      enabled: true,
    });
    const routes = new CoreRouteTable(this, "route-table", {
      compartment_id,
      vcn_id: vcn.id,
      display_name: `${props.namePrefix}-routes`,
      route_rules: [{ network_entity_id: gateway.id, destination: "0.0.0.0/0", destination_type: "CIDR_BLOCK", description: "internet" }],
    });
    const security = new CoreSecurityList(this, "security-list", {
      compartment_id,
      vcn_id: vcn.id,
      display_name: `${props.namePrefix}-security`,
      egress_security_rules: [{ destination: "0.0.0.0/0", protocol: "all", destination_type: "CIDR_BLOCK", description: "outbound: OCI APIs, other regions" }],
      ingress_security_rules: [
        { source: "0.0.0.0/0", protocol: "6", source_type: "CIDR_BLOCK", description: "HTTPS to the API gateway", tcp_options: { min: 443, max: 443 } },
      ],
    });
    this.subnet = new CoreSubnet(this, "subnet", {
      compartment_id,
      vcn_id: vcn.id,
      display_name: `${props.namePrefix}-public`,
      cidr_block: "10.0.0.0/24",
      dns_label: "proxy",
      route_table_id: routes.id,
      security_list_ids: [security.id],
      prohibit_public_ip_on_vnic: false,
    });
  }
}

/** VCN DNS labels: letters and digits, starting with a letter, at most 15 characters. */
function dnsLabel(prefix: string): string {
  const label = prefix.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/^[^a-z]+/, "");
  return (label || "proxy").slice(0, 15);
}
