"""Answerers: turn a question and ranked passages into an answer with [n] citation markers."""
