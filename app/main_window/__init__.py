"""The main window: layout and wiring, pages, exports, dialogs."""
