// The authenta-watch CLI (issue 3). Placeholder.
console.error('authenta-watch: not implemented yet');
process.exit(1);
