// Package ui is the desktop interface of Intiqa, built with Fyne: the
// theme with its bundled fonts, the translations, the main window's shell
// and one struct per screen over a small view model.
//
// The package depends on the domain (package selection) and on the
// Backend interface it declares; only the main package wires it to the
// SQLite store, so every screen can be tested with in-memory fakes.
package ui
