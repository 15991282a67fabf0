"""English words of the gallery."""

UI = {
    "sentence_end": ". ",
    "diagram_font": "Helvetica",
    "html_lang": "en",
    "name": "English",
    "site_title": "netir gallery: how CNNs evolved",
    "intro": ("Every network of netir's catalog, built from one framework-neutral graph, "
              "emitted to PyTorch and Keras, checked against each other and drawn."),
    "back": "← lineage",
    "network": "network", "year": "year", "family": "family", "paper": "paper",
    "params": "params", "macs": "MACs", "depth": "depth", "top1": "top-1 %",
    "idea": "idea",
    "index_note": ("MACs: multiply-accumulates of conv and dense layers for one sample; "
                   "FLOPs = 2 × MACs. Depth counts conv and dense layers on the longest "
                   "path. Top-1: torchvision's documented ImageNet-1K acc@1 of its "
                   "IMAGENET1K_V1 weights (AlexNet-2012: the paper's ILSVRC-2010 figure); each "
                   "page names its source."),
    "check_cols": "Cross-backend check: maximum relative error per backend pair",
    "anatomy": "Block anatomy",
    "anatomy_intro": ("Each kind of block, drawn once from the graph with its internal wiring. "
                      "Bold orange edges run beside a longer path: the residual (skip) "
                      "connection, the dense concatenation, the channel re-scaling. The badge "
                      "counts how often the block occurs; the list says where."),
    "no_blocks": ("This network has no repeated blocks: it is a plain stack of layers, "
                  "drawn in full below."),
    "overview": "Overview by stage",
    "overview_intro": "Stages in order; a block stage links to the anatomy of its blocks.",
    "check": "Cross-backend check",
    "check_intro": ("Calibrated random weights (activations of order 1) shared by every "
                    "backend, input {shape}, batch {batch}, float32, inference; each backend "
                    "is judged against the NumPy reference (float64) and passes when, at "
                    "every node, max |Δ| ≤ {tol:g} · the node's max |value|."),
    "pair": "backends", "max_rel": "max relative error", "verdict": "result",
    "agreement": "Where the backends agree: per-node error",
    "agreement_intro": ("The blocks of the network coloured by the largest relative error of "
                        "any node inside them, over every backend pair."),
    "legend": "relative error",
    "not_checked": "Not checked (built without --check).",
    "too_large": ("Not checked on this machine: comparing it needs about {need} GiB of "
                  "memory, more than the {available} GiB available."),
    "reduced_short": "at {width} width",
    "too_large_other": "Not checked on this machine: {reason}",
    "reduced": ("Checked at {width} of the catalog's width ({params} parameters instead "
                "of {full}): the same depth and wiring with narrower layers. The gallery "
                "checks a network of more than {limit} parameters so, to build in "
                "minutes, as it does any network whose check needs more memory than this "
                "machine can spare; `netir check {name}` checks it at full width where "
                "the memory allows."),
    "summary_header": ["name", "op", "output", "params", "buffers", "MACs"],
    "total": "total",
    "mac_note": ("MACs: multiply-accumulates of conv and dense layers for one sample; "
                 "FLOPs = 2 × MACs."),
    "label_words": {"params": "{n} params", "macs": "{n} MACs",
                    "blocks": "{count} blocks: {mix}"},
    "summary": "Summary",
    "code": "Code",
    "code_intro": ("The netir builder code that defines this network, and the model file "
                   "netir generates from it for each framework: it runs with only that "
                   "framework installed."),
    "builder_code": "netir builder code",
    "source_code": "Generated {backend} source",
    "copy": "Copy",
    "copied": "Copied",
    "layers": "Every layer",
    "layers_link": "The layer-level diagram ({nodes} nodes)",
    "input": "input", "output": "output", "instances": "instances",
    "png": "PNG",
    "top1_source": "ImageNet top-1: {top1:.2f}% ({source}).",
    "numbers": "{params} trainable parameters · {macs} MACs at {shape} · depth {depth}",
    "chart_bubble": "ImageNet top-1 against compute (bubble area: parameters)",
    "chart_bubble_x": "MACs per image (log scale)",
    "chart_bubble_y": "top-1 accuracy (%)",
    "chart_params": "Trainable parameters by year",
    "chart_params_y": "parameters (log scale)",
    "chart_macs": "Compute per image by year",
    "chart_macs_y": "MACs per image (log scale)",
    "chart_year": "year of publication",
    "chart_hover": ("On the charts a point whose name would overlap another's stays unnamed; "
                    "open a chart (click it) and hover over a point for its name and "
                    "numbers."),
    "charts": "Charts",
}

FAMILY = {
    "LeNet": ("The first convolutional network trained end to end by back-propagation: local "
              "receptive fields, shared weights and spatial subsampling, the pattern every "
              "later CNN follows."),
    "AlexNet": ("The network that won ILSVRC-2012 by a wide margin and started deep learning "
                "in vision: ReLU activations, dropout, overlapping max pooling, data "
                "augmentation and training on two GPUs."),
    "VGG": ("Depth through uniformity: only 3×3 convolutions, stacked two to four deep "
            "between 2×2 poolings. Two stacked 3×3 layers see as far as one 5×5 with fewer "
            "parameters and one more non-linearity; channels double from 64 to 512."),
    "ResNet": ("Residual learning: a block learns a correction F(x) and adds its input back, "
               "y = F(x) + x. The identity skip connection lets gradients pass unchanged, so "
               "networks of 50 to 152 layers train; where the shape changes a 1×1 projection "
               "shortcut matches it."),
    "DenseNet": ("Dense connectivity: inside a dense block every layer receives the "
                 "concatenation of all earlier feature maps and adds a few new ones (the "
                 "growth rate). Features are reused rather than relearned, and transition "
                 "layers halve channels and resolution between blocks."),
    "GoogLeNet": ("The Inception module: 1×1, 3×3 and 5×5 convolutions and a pooling branch "
                  "side by side, concatenated, with 1×1 convolutions shrinking the channels "
                  "before the large kernels, so a 22-layer network costs less than AlexNet."),
    "Inception": ("Factorised convolutions: a 5×5 becomes two 3×3, an n×n becomes 1×n then "
                  "n×1, and the grid shrinks through parallel strided convolution and pooling "
                  "branches; batch norm after every convolution."),
    "Wide ResNet": ("Width over depth: a residual network with wider blocks and fewer layers "
                    "trains faster and matches much deeper, thinner ones."),
    "SqueezeNet": ("AlexNet's accuracy with 50 times fewer parameters: fire modules squeeze "
                   "the channels with 1×1 convolutions, then expand them with parallel 1×1 "
                   "and 3×3 convolutions; a 1×1 convolution and global pooling classify."),
    "ResNeXt": ("Cardinality beside depth and width: the bottleneck's 3×3 convolution splits "
                "into 32 or 64 parallel paths (a grouped convolution), more accurate than a "
                "deeper or wider ResNet of the same cost."),
    "MnasNet": ("A network found by architecture search with the latency measured on a phone "
                "in the objective: stacks of inverted residuals (1×1 expansion, depthwise 3×3 "
                "or 5×5, linear 1×1 projection) whose kernel, expansion and depth vary by "
                "stage."),
    "RegNet": ("Design spaces instead of single networks: good ResNeXt-like networks follow a "
               "simple rule, widths growing linearly with depth and quantised into stages, "
               "so each size is four numbers; Y adds squeeze-excitation to every block."),
    "MobileNet": ("Networks for phones built from depthwise separable convolutions: the "
                  "inverted residual widens a thin tensor with a 1×1 convolution, filters each "
                  "channel alone with a depthwise 3×3 and projects back linearly; V3 adds "
                  "squeeze-excitation and the hard-swish activation, arranged by search."),
    "ShuffleNet": ("Efficiency measured as speed, not operation counts: a block splits the "
                   "channels in two, convolves one half and concatenates it with the other, "
                   "then a channel shuffle interleaves the halves so information crosses."),
    "EfficientNet": ("Compound scaling: a searched base network of inverted residuals with "
                     "squeeze-excitation and SiLU, scaled in depth, width and resolution "
                     "together; V2 puts plain (fused) convolutions in the early stages to "
                     "train faster."),
    "ConvNeXt": ("A ResNet modernised with the habits of vision transformers: a 4×4 patchify "
                 "stem, depthwise 7×7 convolutions, an inverted-bottleneck MLP with GELU, "
                 "layer norm, a learned layer scale and separate downsampling layers."),
    "ViT": ("Patches as tokens: the image is cut into square patches, each linearly embedded, "
            "and a plain transformer encoder with a learned class token and position "
            "embedding classifies them; it needs large pre-training data to beat CNNs."),
}

VARIANT = {
    "lenet5": ("LeNet-5 reads 32×32 digits: C1 and C3 convolutions with average-pool "
               "subsampling, C5 sees the whole map, then F6 (84) and 10 outputs, all tanh."),
    "alexnet": ("torchvision's one-GPU version: 64-192-384-256-256 filters, no local response "
                "normalisation, an adaptive 6×6 average pool before the classifier."),
    "alexnet_2012": ("The paper's network: 227×227 input, 96-256-384-384-256 filters, local "
                     "response normalisation after the first two ReLUs, and groups=2 where the "
                     "two GPUs did not exchange feature maps."),
    "vgg11": "Configuration A: 8 convolutions and 3 dense layers.",
    "vgg13": "Configuration B: 10 convolutions and 3 dense layers.",
    "vgg16": "Configuration D: 13 convolutions and 3 dense layers, the best-known VGG.",
    "vgg19": "Configuration E: 16 convolutions and 3 dense layers.",
    "vgg11_bn": "Configuration A with batch normalisation after every convolution.",
    "vgg13_bn": "Configuration B with batch normalisation after every convolution.",
    "vgg16_bn": "Configuration D with batch normalisation after every convolution.",
    "vgg19_bn": "Configuration E with batch normalisation after every convolution.",
    "resnet18": "Basic blocks of two 3×3 convolutions, [2, 2, 2, 2] per stage.",
    "resnet34": "Basic blocks of two 3×3 convolutions, [3, 4, 6, 3] per stage.",
    "resnet50": ("Bottleneck blocks (1×1 reduce, 3×3, 1×1 expand by 4), [3, 4, 6, 3] per "
                 "stage: deeper than ResNet-34 at similar cost."),
    "resnet101": "Bottleneck blocks, [3, 4, 23, 3] per stage.",
    "resnet152": "Bottleneck blocks, [3, 8, 36, 3] per stage: 152 layers.",
    "densenet121": "Growth rate 32, dense blocks of [6, 12, 24, 16] layers.",
    "densenet161": "Growth rate 48 and 96 initial features, blocks of [6, 12, 36, 24] layers.",
    "densenet169": "Growth rate 32, dense blocks of [6, 12, 32, 32] layers.",
    "densenet201": "Growth rate 32, dense blocks of [6, 12, 48, 32] layers.",
    "googlenet": ("Nine Inception modules; torchvision's port with batch norm and a 3×3 where "
                  "the paper has 5×5, without the two training-only auxiliary classifiers."),
    "inception_v3": ("299×299 input, eleven Inception modules of five kinds, without the "
                     "training-only auxiliary classifier."),
    "wide_resnet50_2": "ResNet-50 with the bottleneck's inner width doubled.",
    "wide_resnet101_2": "ResNet-101 with the bottleneck's inner width doubled.",
    "squeezenet1_0": "SqueezeNet 1.0 as in the paper: a 7×7 stem with 96 filters.",
    "squeezenet1_1": ("SqueezeNet 1.1: a 3×3 stem with 64 filters and earlier pooling, 2.4 "
                      "times less computation at the same accuracy."),
    "resnext50_32x4d": "ResNet-50's layout with 32 paths of 4 channels in the first stage.",
    "resnext101_32x8d": "ResNet-101's layout with 32 paths of 8 channels in the first stage.",
    "resnext101_64x4d": "ResNet-101's layout with 64 paths of 4 channels in the first stage.",
    "mnasnet0_5": "Depth multiplier 0.5: every width halved, rounded to multiples of 8.",
    "mnasnet0_75": "Depth multiplier 0.75.",
    "mnasnet1_0": "Depth multiplier 1.0: the searched network as published.",
    "mnasnet1_3": "Depth multiplier 1.3.",
    "regnet_x_400mf": "About 0.4 G multiply-adds: 22 blocks, group width 16.",
    "regnet_x_800mf": "About 0.8 G multiply-adds: 16 blocks, group width 16.",
    "regnet_x_1_6gf": "About 1.6 G multiply-adds: 18 blocks, group width 24.",
    "regnet_x_3_2gf": "About 3.2 G multiply-adds: 25 blocks, group width 48.",
    "regnet_x_8gf": "About 8 G multiply-adds: 23 blocks, group width 120.",
    "regnet_x_16gf": "About 16 G multiply-adds: 22 blocks, group width 128.",
    "regnet_x_32gf": "About 32 G multiply-adds: 23 blocks, group width 168.",
    "mobilenet_v2": ("17 inverted residuals (expansion 6, the first 1) from 32 to 320 "
                     "channels, then a 1×1 convolution to 1280; ReLU6 throughout."),
    "mobilenet_v3_large": ("15 searched blocks, squeeze-excitation in eight, hard-swish in "
                           "the last nine; a 1280-wide head after pooling."),
    "mobilenet_v3_small": ("11 searched blocks for low-end phones, squeeze-excitation in "
                           "nine; a 1024-wide head after pooling."),
    "shufflenet_v2_x0_5": "Stage widths 48, 96, 192: half the channels of the 1.0× network.",
    "shufflenet_v2_x1_0": "Stage widths 116, 232, 464: the paper's reference size.",
    "shufflenet_v2_x1_5": "Stage widths 176, 352, 704.",
    "shufflenet_v2_x2_0": "Stage widths 244, 488, 976 and a 2048-wide last convolution.",
    "efficientnet_b0": ("The searched base network: 16 MBConv blocks in seven stages, "
                        "3×3 and 5×5 depthwise kernels, 1280 features."),
    "efficientnet_b1": "B0 with depth × 1.1.",
    "efficientnet_b2": "B0 with width × 1.1 and depth × 1.2.",
    "efficientnet_b3": "B0 with width × 1.2 and depth × 1.4.",
    "efficientnet_b4": "B0 with width × 1.4 and depth × 1.8.",
    "efficientnet_b5": "B0 with width × 1.6 and depth × 2.2.",
    "efficientnet_b6": "B0 with width × 1.8 and depth × 2.6.",
    "efficientnet_b7": "B0 with width × 2.0 and depth × 3.1: the largest of the family.",
    "efficientnet_v2_s": ("Three Fused-MBConv stages, then three MBConv stages: 40 blocks, "
                          "24 to 256 channels."),
    "efficientnet_v2_m": "Seven stages of 57 blocks, 24 to 512 channels.",
    "efficientnet_v2_l": "Seven stages of 79 blocks, 32 to 640 channels.",
    "regnet_y_400mf": "About 0.4 G multiply-adds: 16 blocks, group width 8, squeeze-excitation.",
    "regnet_y_800mf": "About 0.8 G multiply-adds: 14 blocks, group width 16, squeeze-excitation.",
    "regnet_y_1_6gf": "About 1.6 G multiply-adds: 27 blocks, group width 24, squeeze-excitation.",
    "regnet_y_3_2gf": "About 3.2 G multiply-adds: 21 blocks, group width 24, squeeze-excitation.",
    "regnet_y_8gf": "About 8 G multiply-adds: 17 blocks, group width 56, squeeze-excitation.",
    "regnet_y_16gf": ("About 16 G multiply-adds: 18 blocks, group width 112, "
                      "squeeze-excitation."),
    "regnet_y_32gf": ("About 32 G multiply-adds: 20 blocks, group width 232, "
                      "squeeze-excitation."),
    "regnet_y_128gf": ("About 128 G multiply-adds: 27 blocks, group width 264, "
                       "squeeze-excitation; torchvision has no ImageNet-1K-only weights for it."),
    "convnext_tiny": "Widths 96 to 768, blocks 3-3-9-3 (18).",
    "convnext_small": "Widths 96 to 768, blocks 3-3-27-3 (36): Tiny with a deeper third stage.",
    "convnext_base": "Widths 128 to 1024, blocks 3-3-27-3 (36).",
    "convnext_large": "Widths 192 to 1536, blocks 3-3-27-3 (36): the largest of the family.",
    "vit_b_16": "Base: 16×16 patches, 12 layers of 12 heads, width 768, MLP 3072.",
    "vit_b_32": "Base with 32×32 patches: a quarter of the tokens, about a quarter of the work.",
    "vit_l_16": "Large: 16×16 patches, 24 layers of 16 heads, width 1024, MLP 4096.",
    "vit_l_32": "Large with 32×32 patches.",
    "vit_h_14": ("Huge: 14×14 patches, 32 layers of 16 heads, width 1280, MLP 5120; "
                 "torchvision's weights for it are trained at 518×518."),
}
