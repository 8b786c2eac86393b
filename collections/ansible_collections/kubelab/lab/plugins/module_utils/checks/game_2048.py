"""Exercise 2048: the game's Deployment, found by its image whatever its name, and its Service on 5858."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import Check, RolledOut, Running, Section, Serves

GAME = Running("2048", name="game-2048", partial=True)

SECTION = Section("game_2048", "2048", (
    Check("deployment", "A Deployment of a 2048 image is rolled out", RolledOut(GAME)),
    Check("service", "A Service on 5858 reaches the game's port 80", Serves(GAME, 5858, 80)),
))
