import type { StateStore } from "../state/state-store";

export type StateStoreKind = "memory" | "dynamodb" | "objectstorage";

/**
 * The state store named by `OCIAI_STATE_STORE` (memory | dynamodb | objectstorage), built
 * once per cold start. undefined for memory: the pool then keeps its state in process.
 */
export async function createStateStoreFromEnv(env: NodeJS.ProcessEnv): Promise<StateStore | undefined> {
  const kind = (env.OCIAI_STATE_STORE ?? "memory") as StateStoreKind;
  switch (kind) {
    case "memory":
      return undefined;
    case "dynamodb": {
      const table = required(env, "OCIAI_DYNAMODB_TABLE");
      const { DynamoDbStateStore } = await import("../state/dynamodb-state-store");
      return new DynamoDbStateStore({ tableName: table });
    }
    case "objectstorage": {
      const namespace = required(env, "OCIAI_OS_NAMESPACE");
      const bucket = required(env, "OCIAI_OS_BUCKET");
      const [{ ObjectStorageStateStore, createObjectStorageClient }, common] = await Promise.all([
        import("../state/object-storage-state-store"),
        import("oci-common"),
      ]);
      const authProvider = await common.ResourcePrincipalAuthenticationDetailsProvider.builder();
      const client = createObjectStorageClient({ authProvider, endpoint: env.OCIAI_OS_ENDPOINT });
      return new ObjectStorageStateStore({ client, namespace, bucket });
    }
    default:
      throw new Error(`OCIAI_STATE_STORE must be memory, dynamodb or objectstorage, got "${kind}"`);
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required with OCIAI_STATE_STORE=${env.OCIAI_STATE_STORE}`);
  return value;
}
