// Types of lineup.js: written with it.
export {};
