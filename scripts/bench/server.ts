// The benchmarks' server: the production build, as the fault tests start it (lib/testing).
export { startProductionServer, type ProductionServer as RunningServer } from "../../lib/testing/production-server";
