// The channel the notifications benchmark publishes on, shared by its upstream (a child process) and its clients.
export const BENCH_CHANNEL = '/bench/notifications';
