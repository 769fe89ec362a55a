// Registers `count` users through the command handler, named "Start i" with emails start@u<i>.<domain>:
// the starting population of the temporal-index property tests.
import type { CommandContext } from "../application/command-handler";
import { executeUserCommand } from "../application/users/user-commands";

export async function registerStartingUsers(count: number, domain: string, context: CommandContext): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const userId = crypto.randomUUID();
    await executeUserCommand(
      {
        type: "RegisterUser",
        userId,
        name: `Start ${index}`,
        email: `start@u${index}.${domain}`,
        password: "long enough secret",
      },
      context,
    );
    ids.push(userId);
  }
  return ids;
}
