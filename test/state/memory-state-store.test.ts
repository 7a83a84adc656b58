import { MemoryStateStore } from "../../shared/state/memory-state-store";
import { describeStateStoreContract } from "./state-store-contract";

describeStateStoreContract("memory", async () => ({ store: new MemoryStateStore() }));
