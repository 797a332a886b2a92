// Electron composition root (issue 4). Placeholder until the desktop host lands.
export {};
