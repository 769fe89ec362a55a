export * from "./bitemporal";
export * from "./commands";
export * from "./errors";
export * from "./events";
export * from "./rules";
export * from "./state";
export * from "./upcasters";
