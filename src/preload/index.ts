// The preload (issue 4). Placeholder until the desktop host lands.
export {};
