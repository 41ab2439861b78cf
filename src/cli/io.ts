/** How a command talks back: the terminal when run locally, the control socket when handed to a server. */
export type CommandIO = {
  print(line: string): void;
  progress(done: number, total: number, label: string): void;
};

export type TaskResult = { exitCode: 0 | 1 | 2 };
