/**
 * Typed constructs for the oracle/oci resources the stack uses. Argument interfaces list
 * only what the stack needs (names as in provider v8.28.0; the full per-resource lists
 * are in ../schema/allowed-attributes.json, which each construct is validated against).
 */
import type { TerraformMetaArguments } from "cdktf";
import { Construct } from "constructs";
import { OciResource, type Block, type StringMap } from "./oci-resource";

interface Tagged {
  freeform_tags?: StringMap;
  defined_tags?: StringMap;
}

// ---------------------------------------------------------------- networking

export interface CoreVcnArgs extends Tagged {
  compartment_id: string;
  cidr_blocks?: string[];
  display_name?: string;
  dns_label?: string;
}
export class CoreVcn extends OciResource<CoreVcnArgs> {
  static readonly tfResourceType = "oci_core_vcn";
  constructor(scope: Construct, id: string, args: CoreVcnArgs, meta?: TerraformMetaArguments) {
    super(scope, id, CoreVcn.tfResourceType, args, meta);
  }
}

export interface CoreInternetGatewayArgs extends Tagged {
  compartment_id: string;
  vcn_id: string;
  display_name?: string;
  enabled?: boolean;
}
export class CoreInternetGateway extends OciResource<CoreInternetGatewayArgs> {
  static readonly tfResourceType = "oci_core_internet_gateway";
  constructor(scope: Construct, id: string, args: CoreInternetGatewayArgs, meta?: TerraformMetaArguments) {
    super(scope, id, CoreInternetGateway.tfResourceType, args, meta);
  }
}

export interface RouteRule {
  network_entity_id: string;
  destination: string;
  destination_type?: "CIDR_BLOCK" | "SERVICE_CIDR_BLOCK";
  description?: string;
}
export interface CoreRouteTableArgs extends Tagged {
  compartment_id: string;
  vcn_id: string;
  display_name?: string;
  route_rules?: Block<RouteRule>;
}
export class CoreRouteTable extends OciResource<CoreRouteTableArgs> {
  static readonly tfResourceType = "oci_core_route_table";
  constructor(scope: Construct, id: string, args: CoreRouteTableArgs, meta?: TerraformMetaArguments) {
    super(scope, id, CoreRouteTable.tfResourceType, args, meta);
  }
}

export interface PortRange {
  min: number;
  max: number;
}
export interface EgressSecurityRule {
  destination: string;
  /** "all", or an IANA protocol number as a string ("6" = TCP). */
  protocol: string;
  destination_type?: "CIDR_BLOCK" | "SERVICE_CIDR_BLOCK";
  description?: string;
  stateless?: boolean;
}
export interface IngressSecurityRule {
  source: string;
  protocol: string;
  source_type?: "CIDR_BLOCK" | "SERVICE_CIDR_BLOCK";
  description?: string;
  stateless?: boolean;
  tcp_options?: PortRange;
}
export interface CoreSecurityListArgs extends Tagged {
  compartment_id: string;
  vcn_id: string;
  display_name?: string;
  egress_security_rules?: Block<EgressSecurityRule>;
  ingress_security_rules?: Block<IngressSecurityRule>;
}
export class CoreSecurityList extends OciResource<CoreSecurityListArgs> {
  static readonly tfResourceType = "oci_core_security_list";
  constructor(scope: Construct, id: string, args: CoreSecurityListArgs, meta?: TerraformMetaArguments) {
    super(scope, id, CoreSecurityList.tfResourceType, args, meta);
  }
}

export interface CoreSubnetArgs extends Tagged {
  compartment_id: string;
  vcn_id: string;
  cidr_block?: string;
  display_name?: string;
  dns_label?: string;
  route_table_id?: string;
  security_list_ids?: string[];
  prohibit_public_ip_on_vnic?: boolean;
}
export class CoreSubnet extends OciResource<CoreSubnetArgs> {
  static readonly tfResourceType = "oci_core_subnet";
  constructor(scope: Construct, id: string, args: CoreSubnetArgs, meta?: TerraformMetaArguments) {
    super(scope, id, CoreSubnet.tfResourceType, args, meta);
  }
}

// ---------------------------------------------------------------- functions

export interface ArtifactsContainerRepositoryArgs extends Tagged {
  compartment_id: string;
  /** The repository path below the namespace, e.g. "ociai-proxy/chat". */
  display_name: string;
  is_public?: boolean;
  is_immutable?: boolean;
}
export class ArtifactsContainerRepository extends OciResource<ArtifactsContainerRepositoryArgs> {
  static readonly tfResourceType = "oci_artifacts_container_repository";
  constructor(scope: Construct, id: string, args: ArtifactsContainerRepositoryArgs, meta?: TerraformMetaArguments) {
    super(scope, id, ArtifactsContainerRepository.tfResourceType, args, meta);
  }
}

export interface FunctionsApplicationArgs extends Tagged {
  compartment_id: string;
  display_name: string;
  subnet_ids: string[];
  shape?: "GENERIC_X86" | "GENERIC_ARM" | "GENERIC_X86_ARM";
  /** Configuration shared by every function of the application (environment variables). */
  config?: StringMap;
}
export class FunctionsApplication extends OciResource<FunctionsApplicationArgs> {
  static readonly tfResourceType = "oci_functions_application";
  constructor(scope: Construct, id: string, args: FunctionsApplicationArgs, meta?: TerraformMetaArguments) {
    super(scope, id, FunctionsApplication.tfResourceType, args, meta);
  }
}

export interface FunctionsFunctionArgs extends Tagged {
  application_id: string;
  display_name: string;
  /** A string holding an integer, per the provider schema. */
  memory_in_mbs: string;
  image?: string;
  /** At most 300. */
  timeout_in_seconds?: number;
  /** Detached invocations (Resource Scheduler invokes detached): up to 3600. */
  detached_mode_timeout_in_seconds?: number;
  /** Environment variables of the function. */
  config?: StringMap;
}
export class FunctionsFunction extends OciResource<FunctionsFunctionArgs> {
  static readonly tfResourceType = "oci_functions_function";
  constructor(scope: Construct, id: string, args: FunctionsFunctionArgs, meta?: TerraformMetaArguments) {
    super(scope, id, FunctionsFunction.tfResourceType, args, meta);
  }
  get invokeEndpoint(): string {
    return this.attribute("invoke_endpoint");
  }
}

// ---------------------------------------------------------------- API Gateway

export interface ApigatewayGatewayArgs extends Tagged {
  compartment_id: string;
  endpoint_type: "PUBLIC" | "PRIVATE";
  subnet_id: string;
  display_name?: string;
}
export class ApigatewayGateway extends OciResource<ApigatewayGatewayArgs> {
  static readonly tfResourceType = "oci_apigateway_gateway";
  constructor(scope: Construct, id: string, args: ApigatewayGatewayArgs, meta?: TerraformMetaArguments) {
    super(scope, id, ApigatewayGateway.tfResourceType, args, meta);
  }
  get hostname(): string {
    return this.attribute("hostname");
  }
}

export interface ApiCorsPolicy {
  allowed_origins: string[];
  allowed_methods?: string[];
  allowed_headers?: string[];
  exposed_headers?: string[];
  is_allow_credentials_enabled?: boolean;
  max_age_in_seconds?: number;
}
export interface ApiRouteBackend {
  type: "ORACLE_FUNCTIONS_BACKEND" | "HTTP_BACKEND" | "STOCK_RESPONSE_BACKEND";
  function_id?: string;
  url?: string;
  read_timeout_in_seconds?: number;
  status?: number;
  body?: string;
}
export interface ApiRoute {
  path: string;
  methods?: string[];
  backend: ApiRouteBackend;
}
/** Requests per second the deployment accepts: per client address, or in total. */
export interface ApiRateLimiting {
  rate_in_requests_per_second: number;
  rate_key: "CLIENT_IP" | "TOTAL";
}
export interface ApiDeploymentSpecification {
  request_policies?: { cors?: ApiCorsPolicy; rate_limiting?: ApiRateLimiting };
  logging_policies?: { access_log?: { is_enabled?: boolean }; execution_log?: { is_enabled?: boolean; log_level?: string } };
  routes: ApiRoute[];
}
export interface ApigatewayDeploymentArgs extends Tagged {
  compartment_id: string;
  gateway_id: string;
  path_prefix: string;
  display_name?: string;
  specification: ApiDeploymentSpecification;
}
export class ApigatewayDeployment extends OciResource<ApigatewayDeploymentArgs> {
  static readonly tfResourceType = "oci_apigateway_deployment";
  constructor(scope: Construct, id: string, args: ApigatewayDeploymentArgs, meta?: TerraformMetaArguments) {
    super(scope, id, ApigatewayDeployment.tfResourceType, args, meta);
  }
}

// ---------------------------------------------------------------- storage, identity, vault, scheduling, logging

export interface ObjectstorageBucketArgs extends Tagged {
  compartment_id: string;
  name: string;
  namespace: string;
  access_type?: "NoPublicAccess" | "ObjectRead" | "ObjectReadWithoutList";
  storage_tier?: "Standard" | "Archive";
  versioning?: "Enabled" | "Disabled";
}
export class ObjectstorageBucket extends OciResource<ObjectstorageBucketArgs> {
  static readonly tfResourceType = "oci_objectstorage_bucket";
  constructor(scope: Construct, id: string, args: ObjectstorageBucketArgs, meta?: TerraformMetaArguments) {
    super(scope, id, ObjectstorageBucket.tfResourceType, args, meta);
  }
  get name(): string {
    return this.attribute("name");
  }
}

export interface IdentityDynamicGroupArgs extends Tagged {
  /** Always the tenancy OCID. */
  compartment_id: string;
  name: string;
  description: string;
  matching_rule: string;
}
export class IdentityDynamicGroup extends OciResource<IdentityDynamicGroupArgs> {
  static readonly tfResourceType = "oci_identity_dynamic_group";
  constructor(scope: Construct, id: string, args: IdentityDynamicGroupArgs, meta?: TerraformMetaArguments) {
    super(scope, id, IdentityDynamicGroup.tfResourceType, args, meta);
  }
  get name(): string {
    return this.attribute("name");
  }
}

export interface IdentityPolicyArgs extends Tagged {
  compartment_id: string;
  name: string;
  description: string;
  statements: string[];
}
export class IdentityPolicy extends OciResource<IdentityPolicyArgs> {
  static readonly tfResourceType = "oci_identity_policy";
  constructor(scope: Construct, id: string, args: IdentityPolicyArgs, meta?: TerraformMetaArguments) {
    super(scope, id, IdentityPolicy.tfResourceType, args, meta);
  }
}

export interface KmsVaultArgs extends Tagged {
  compartment_id: string;
  display_name: string;
  vault_type: "DEFAULT" | "VIRTUAL_PRIVATE";
}
export class KmsVault extends OciResource<KmsVaultArgs> {
  static readonly tfResourceType = "oci_kms_vault";
  constructor(scope: Construct, id: string, args: KmsVaultArgs, meta?: TerraformMetaArguments) {
    super(scope, id, KmsVault.tfResourceType, args, meta);
  }
  get managementEndpoint(): string {
    return this.attribute("management_endpoint");
  }
}

export interface KmsKeyArgs extends Tagged {
  compartment_id: string;
  display_name: string;
  management_endpoint: string;
  key_shape: { algorithm: "AES" | "RSA" | "ECDSA"; length: number };
  protection_mode?: "SOFTWARE" | "HSM";
}
export class KmsKey extends OciResource<KmsKeyArgs> {
  static readonly tfResourceType = "oci_kms_key";
  constructor(scope: Construct, id: string, args: KmsKeyArgs, meta?: TerraformMetaArguments) {
    super(scope, id, KmsKey.tfResourceType, args, meta);
  }
}

export interface VaultSecretArgs extends Tagged {
  compartment_id: string;
  vault_id: string;
  key_id: string;
  secret_name: string;
  description?: string;
  secret_content?: { content_type: "BASE64"; content: string; name?: string; stage?: string };
}
export class VaultSecret extends OciResource<VaultSecretArgs> {
  static readonly tfResourceType = "oci_vault_secret";
  constructor(scope: Construct, id: string, args: VaultSecretArgs, meta?: TerraformMetaArguments) {
    super(scope, id, VaultSecret.tfResourceType, args, meta);
  }
}

export interface ScheduleResource {
  /** OCID of the scheduled resource, e.g. a function. */
  id: string;
  metadata?: StringMap;
  parameters?: Block<{ parameter_type: "BODY" | "HEADER" | "PATH" | "QUERY"; value?: string[] }>;
}
export interface ResourceSchedulerScheduleArgs extends Tagged {
  compartment_id: string;
  action: "START_RESOURCE" | "STOP_RESOURCE";
  recurrence_type: "CRON" | "ICAL";
  recurrence_details: string;
  display_name?: string;
  description?: string;
  resources?: Block<ScheduleResource>;
  state?: "ACTIVE" | "INACTIVE";
}
export class ResourceSchedulerSchedule extends OciResource<ResourceSchedulerScheduleArgs> {
  static readonly tfResourceType = "oci_resource_scheduler_schedule";
  constructor(scope: Construct, id: string, args: ResourceSchedulerScheduleArgs, meta?: TerraformMetaArguments) {
    super(scope, id, ResourceSchedulerSchedule.tfResourceType, args, meta);
  }
}

export interface LoggingLogGroupArgs extends Tagged {
  compartment_id: string;
  display_name: string;
  description?: string;
}
export class LoggingLogGroup extends OciResource<LoggingLogGroupArgs> {
  static readonly tfResourceType = "oci_logging_log_group";
  constructor(scope: Construct, id: string, args: LoggingLogGroupArgs, meta?: TerraformMetaArguments) {
    super(scope, id, LoggingLogGroup.tfResourceType, args, meta);
  }
}

export interface LoggingLogArgs extends Tagged {
  display_name: string;
  log_group_id: string;
  log_type: "SERVICE" | "CUSTOM";
  is_enabled?: boolean;
  /** Days: 30 to 180, in steps of 30. */
  retention_duration?: number;
  configuration?: {
    source: { category: string; resource: string; service: string; source_type: "OCISERVICE" };
    compartment_id?: string;
  };
}
export class LoggingLog extends OciResource<LoggingLogArgs> {
  static readonly tfResourceType = "oci_logging_log";
  constructor(scope: Construct, id: string, args: LoggingLogArgs, meta?: TerraformMetaArguments) {
    super(scope, id, LoggingLog.tfResourceType, args, meta);
  }
}
