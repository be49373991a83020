"""The letter domain: campaign content, sandboxed rendering, salutations, mail links and messages.

Pure Python, no Flask: the web layer and the delivery worker both call into it.
"""
